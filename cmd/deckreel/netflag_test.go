package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestAllowNetFlag(t *testing.T) {
	for _, tt := range []struct {
		args     []string
		internet bool
		hosts    []string
		bad      bool
	}{
		{args: nil},
		{args: []string{"--allow-net"}, internet: true},
		{args: []string{"--allow-net=true"}, internet: true},
		{args: []string{"--allow-net=false"}},
		{args: []string{"--allow-net=localhost:3000,[::1]:8080"}, hosts: []string{"localhost:3000", "[::1]:8080"}},
		{args: []string{"--allow-net=cdn.example.com"}, hosts: []string{"cdn.example.com"}},
		{args: []string{"--allow-net", "--allow-net=127.0.0.1:9"}, hosts: []string{"127.0.0.1:9"}}, // the last one wins
		{args: []string{"--allow-net=http://example.com/"}, bad: true},
		{args: []string{"--allow-net=host:0"}, bad: true},
		{args: []string{"--allow-net=,"}, bad: true},
	} {
		var o renderOptions
		fs := flag.NewFlagSet("render", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o.register(fs, "")
		err := fs.Parse(tt.args)
		if (err != nil) != tt.bad {
			t.Errorf("%q: error %v, want bad %v", tt.args, err, tt.bad)
			continue
		}
		if !tt.bad && (o.allowNet != tt.internet || !slices.Equal(o.allowHosts, tt.hosts)) {
			t.Errorf("%q: internet %v, hosts %q; want %v, %q", tt.args, o.allowNet, o.allowHosts, tt.internet, tt.hosts)
		}
	}
}

// TestHelpUntrusted: render --help says what is isolated and what is not.
func TestHelpUntrusted(t *testing.T) {
	res := runCLI(t, "render", "--help")
	for _, want := range []string{"Rendering untrusted decks", "--allow-net=HOST:PORT", "--no-sandbox", "Popups are refused"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("render --help does not say %q", want)
		}
	}
}
