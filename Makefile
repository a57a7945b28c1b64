# deckreel: `make demo` on a fresh Debian 12 machine (as root) installs what
# is missing, builds, and renders the embedded sample to demo.mp4.

# Go's official install location, in case it is not on PATH yet.
export PATH := /usr/local/go/bin:$(PATH)

GO  ?= go
BIN := bin/deckreel

.DEFAULT_GOAL := build
.PHONY: build deps test fuzz demo bench lint docker clean

build:
	$(GO) build -o $(BIN) ./cmd/deckreel

# install-deps.sh is the one list of packages; when nothing is missing it only
# asks dpkg (no apt-get, no root) and returns in well under a second. A check
# of the binaries alone would skip the fonts.
deps:
	@bash .ci/install-deps.sh

test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

# The fuzz targets' seed corpora (the hostile cases) run in every `go test`;
# `make fuzz` fuzzes each target for FUZZTIME, one at a time since
# `go test -fuzz` takes one target per run. A failing input is saved under
# the package's testdata/fuzz, where `go test` runs it from then on.
FUZZTIME ?= 60s
FUZZ_TARGETS := \
	./internal/deck:FuzzMarkdownDeck ./internal/deck:FuzzManifest ./internal/deck:FuzzTree \
	./internal/deck:FuzzRevealDeck ./internal/deck:FuzzDeckValues ./internal/deck:FuzzOfficeXML \
	./frames:FuzzJPEGSize \
	./internal/job:FuzzParseFrames ./internal/job:FuzzParseShard ./internal/job:FuzzJobFile \
	./cmd/deckreel:FuzzDurationFlag ./cmd/deckreel:FuzzSizeFlag
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $$t ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) $${t%%:*}; \
	done

demo: deps build
	$(BIN) demo -o demo.mp4
	@ffprobe -v error -select_streams v:0 -count_packets \
		-show_entries stream=nb_read_packets,width,height,avg_frame_rate:format=duration \
		-of default=noprint_wrappers=1 demo.mp4 \
		| awk -F= '{ v[$$1] = $$2 } END { printf "demo.mp4: %s frames, %s s, %sx%s at %s fps\n", \
			v["nb_read_packets"], v["duration"], v["width"], v["height"], v["avg_frame_rate"] }'

# The end-to-end benchmark renders ../shared/bench's workloads with bin/deckreel
# and measures the machine's limits in the same run (see cmd/deckreel-bench);
# RUNS=3 reports medians. Then the Go micro-benchmarks of the stages.
RUNS ?= 1
WORKLOADS ?= ../shared/bench
bench: deps build
	$(GO) run ./cmd/deckreel-bench -deckreel $(BIN) -workloads $(WORKLOADS) -runs $(RUNS)
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./frames/ ./internal/pool/

# govulncheck needs to reach vuln.go.dev.
lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...
	$(GO) run golang.org/x/vuln/cmd/govulncheck@latest ./...

docker:
	docker build -t deckreel .

clean:
	rm -rf bin demo.mp4
