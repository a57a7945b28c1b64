# deckreel in a container: renders HTML pages and slide decks to MP4.
#
#   docker build -t deckreel .
#   docker run --rm -v "$PWD:/work" deckreel render page.html --duration 10s -o out.mp4
#
# The working directory /work is a volume: mount the folder holding the page,
# and the video is written there. The container runs as the unprivileged user
# deckreel (uid 10001), so that folder must be writable by that uid (or pass
# --user "$(id -u):$(id -g)").
#
# Exit codes (deckreel's, passed through by tini):
#   0    the video was written
#   1    the render failed (some frame ranges failed even after retries)
#   2    bad usage or bad input (unknown flag, unreadable page, bad --size)
#   130  interrupted (SIGINT or SIGTERM, e.g. `docker stop`); no partial MP4
#        is left at the output path

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# No cgo: a static binary that needs nothing from the runtime image but the
# programs it runs (Chromium, ffmpeg).
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/deckreel ./cmd/deckreel

FROM debian:bookworm-slim
# The same script CI runs, so the image gets exactly the packages the tests
# ran against.
COPY .ci/install-deps.sh /tmp/install-deps.sh
RUN bash /tmp/install-deps.sh --runtime-only \
	&& rm -rf /tmp/install-deps.sh /var/lib/apt/lists/*
RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin deckreel \
	&& install -d -o deckreel -g deckreel /work
COPY --from=build /out/deckreel /usr/local/bin/deckreel
USER deckreel
# Docker's default seccomp profile does not let Chrome's sandbox start; the
# container is the sandbox (see "Rendering untrusted decks" in the README).
# Pages are served from loopback; every other host, and every other local
# service, is refused unless --allow-net.
ENV DECKREEL_NO_SANDBOX=1
WORKDIR /work
VOLUME /work
# tini reaps Chromium's zombie processes and forwards signals, so that
# `docker stop` cancels the render cleanly (exit 130) instead of killing it.
ENTRYPOINT ["/usr/bin/tini", "--", "deckreel"]
CMD ["--help"]
