package capture

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

// secretServer is another local service: what a page must never read. It
// counts every request, so that a request that was sent but whose answer
// the page could not read (a beacon) is seen too.
type secretServer struct {
	*httptest.Server
	hits atomic.Int64
	port string
}

func startSecret(t *testing.T, network, addr string) *secretServer {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("listen on %s: %v", addr, err)
	}
	s := &secretServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		fmt.Fprint(w, "SECRET")
	}))
	s.Listener.Close()
	s.Listener = ln
	s.Start()
	t.Cleanup(s.Close)
	_, s.port, _ = net.SplitHostPort(ln.Addr().String())
	return s
}

// proxied returns a client that sends everything through srv, as Chrome
// does with --proxy-server and --proxy-bypass-list=<-loopback>.
func proxied(srv *Server) *http.Client {
	u := &url.URL{Scheme: "http", Host: srv.Addr()}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(u)}}
}

// TestNetworkRefusesLocal: through the proxy, a page reaches the render's
// own servers and what Access allows, decided by address and port; every
// other spelling of loopback or link-local, and every other port, is
// refused and reported once, and the other service never sees a request.
func TestNetworkRefusesLocal(t *testing.T) {
	secret := startSecret(t, "tcp", ":0") // every local address: 127.0.0.2, [::1], 0.0.0.0 too
	p := secret.port
	rebind := func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	tests := []struct {
		name     string
		access   Access
		input    string // AllowInput: a page the command line gave
		page     string // AllowPage: a page a deck names
		lookup   func(context.Context, string) ([]netip.Addr, error)
		url      string
		want     int    // status
		blocked  string // the host reported, "" for none
		reason   string
		reaching bool // the secret server sees the request
	}{
		{name: "loopback", url: "http://127.0.0.1:" + p + "/", want: 403, blocked: "127.0.0.1:" + p, reason: reasonLocal},
		{name: "localhost", url: "http://localhost:" + p + "/", want: 403, blocked: "localhost:" + p, reason: reasonLocal},
		{name: "other loopback", url: "http://127.0.0.2:" + p + "/", want: 403, blocked: "127.0.0.2:" + p, reason: reasonLocal},
		{name: "unspecified", url: "http://0.0.0.0:" + p + "/", want: 403, blocked: "0.0.0.0:" + p, reason: reasonLocal},
		{name: "ipv6 loopback", url: "http://[::1]:" + p + "/", want: 403, blocked: "[::1]:" + p, reason: reasonLocal},
		{name: "ipv4-mapped", url: "http://[::ffff:127.0.0.1]:" + p + "/", want: 403, blocked: "[::ffff:127.0.0.1]:" + p, reason: reasonLocal},
		{name: "link-local", url: "http://169.254.169.254/latest/meta-data/", want: 403, blocked: "169.254.169.254", reason: reasonLocal},
		{name: "link-local v6", url: "http://[fe80::1]:" + p + "/", want: 403, blocked: "[fe80::1]:" + p, reason: reasonLocal},
		{name: "remote, net off", url: "http://example.com/x.png", want: 403, blocked: "example.com", reason: reasonOff},
		{name: "internet: loopback still off", access: Access{Internet: true}, url: "http://127.0.0.1:" + p + "/", want: 403, blocked: "127.0.0.1:" + p, reason: reasonLocal},
		{name: "internet: sub.localhost", access: Access{Internet: true}, url: "http://app.localhost:" + p + "/", want: 403, blocked: "app.localhost:" + p, reason: reasonLocal},
		{name: "named sub.localhost", access: Access{Hosts: []string{"app.localhost:" + p}}, url: "http://app.localhost:" + p + "/", want: 200, reaching: true},
		{name: "internet: rebinding name", access: Access{Internet: true}, lookup: rebind, url: "http://rebind.test:" + p + "/", want: 403, blocked: "rebind.test:" + p, reason: reasonLocal},
		{name: "named name rebinding", access: Access{Hosts: []string{"rebind.test:" + p}}, lookup: rebind, url: "http://rebind.test:" + p + "/", want: 403, blocked: "rebind.test:" + p, reason: reasonLocal},
		{name: "named other host", access: Access{Hosts: []string{"127.0.0.1:1"}}, url: "http://example.com/", want: 403, blocked: "example.com", reason: reasonUnnamed},
		{name: "named other port", access: Access{Hosts: []string{"127.0.0.1:1"}}, url: "http://127.0.0.1:" + p + "/", want: 403, blocked: "127.0.0.1:" + p, reason: reasonLocal},
		{name: "named address", access: Access{Hosts: []string{"127.0.0.1:" + p}}, url: "http://127.0.0.1:" + p + "/", want: 200, reaching: true},
		{name: "named address, any port", access: Access{Hosts: []string{"127.0.0.1"}}, url: "http://127.0.0.1:" + p + "/", want: 200, reaching: true},
		{name: "named localhost", access: Access{Hosts: []string{"localhost:" + p}}, url: "http://localhost:" + p + "/", want: 200, reaching: true},
		{name: "name resolving to a named address", access: Access{Hosts: []string{"127.0.0.1:" + p, "rebind.test:" + p}}, lookup: rebind, url: "http://rebind.test:" + p + "/", want: 200, reaching: true},
		{name: "input on loopback", input: "127.0.0.1:" + p, url: "http://127.0.0.1:" + p + "/", want: 200, reaching: true},
		{name: "input name on loopback", input: "rebind.test:" + p, lookup: rebind, url: "http://rebind.test:" + p + "/", want: 200, reaching: true},
		{name: "deck page on loopback", page: "127.0.0.1:" + p, url: "http://127.0.0.1:" + p + "/", want: 403, blocked: "127.0.0.1:" + p, reason: reasonLocal},
		{name: "deck page rebinding", page: "rebind.test:" + p, lookup: rebind, url: "http://rebind.test:" + p + "/", want: 403, blocked: "rebind.test:" + p, reason: reasonLocal},
		{name: "deck page on a named address", access: Access{Hosts: []string{"127.0.0.1:" + p}}, page: "127.0.0.1:" + p, url: "http://127.0.0.1:" + p + "/", want: 200, reaching: true},
		{name: "named address is not its name", access: Access{Hosts: []string{"127.0.0.1:" + p}}, url: "http://localhost:" + p + "/", want: 403, blocked: "localhost:" + p, reason: reasonLocal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Blocked
			n, err := NewNetwork(tt.access, func(b Blocked) { got = append(got, b) })
			if err != nil {
				t.Fatal(err)
			}
			if tt.lookup != nil {
				n.lookup = tt.lookup
			}
			if tt.input != "" {
				if err := n.AllowInput(tt.input); err != nil {
					t.Fatal(err)
				}
			}
			if tt.page != "" {
				if err := n.AllowPage(tt.page); err != nil {
					t.Fatal(err)
				}
			}
			srv, err := n.Serve(fstest.MapFS{})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			defer srv.Close()
			before := secret.hits.Load()
			for range 2 { // reported once
				resp, err := proxied(srv).Get(tt.url)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
				}
				if tt.want == 200 && string(body) != "SECRET" {
					t.Fatalf("body %q through an allowed host", body)
				}
			}
			if reached := secret.hits.Load() > before; reached != tt.reaching {
				t.Errorf("the other service saw a request: %v, want %v", reached, tt.reaching)
			}
			switch {
			case tt.blocked == "" && len(got) > 0:
				t.Errorf("reported %v, want nothing", got)
			case tt.blocked != "" && (len(got) != 1 || got[0].Host != tt.blocked || got[0].Reason != tt.reason):
				t.Errorf("reported %v, want once {%s %s}", got, tt.blocked, tt.reason)
			}
		})
	}
}

// TestNetworkOwnServers: a page of one server reaches the render's other
// servers through it (a deck served from two trees), but nothing once that
// server has closed.
func TestNetworkOwnServers(t *testing.T) {
	n, err := NewNetwork(Access{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	a, err := n.Serve(fstest.MapFS{"a.txt": {Data: []byte("A")}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := n.Serve(fstest.MapFS{"b.txt": {Data: []byte("B")}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := proxied(a).Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get(a.URL("a.txt")); code != 200 || body != "A" {
		t.Errorf("own file: %d %q", code, body)
	}
	if code, body := get(b.URL("b.txt")); code != 200 || body != "B" {
		t.Errorf("sibling server's file: %d %q", code, body)
	}
	b.Close()
	if code, _ := get(b.URL("b.txt")); code != 403 {
		t.Errorf("a closed sibling's address: %d, want 403", code)
	}
}

// TestNetworkConnect: CONNECT (https, WebSocket) is refused for a local
// address nobody named and tunnelled to a named one.
func TestNetworkConnect(t *testing.T) {
	secret := startSecret(t, "tcp4", "127.0.0.1:0")
	target := "127.0.0.1:" + secret.port
	for _, tt := range []struct {
		name   string
		access Access
		want   string
	}{
		{"refused", Access{}, "403"},
		{"named", Access{Hosts: []string{target}}, "200"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := NewNetwork(tt.access, nil)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := n.Serve(fstest.MapFS{})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close() // after srv.Close: the tunnel may still be open
			defer srv.Close()
			c, err := net.DialTimeout("tcp", srv.Addr(), 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(20 * time.Second))
			fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, target)
			br := bufio.NewReader(c)
			status, err := br.ReadString('\n')
			if err != nil || !strings.Contains(status, " "+tt.want+" ") {
				t.Fatalf("CONNECT answered %q %v, want %s", status, err, tt.want)
			}
			if tt.want != "200" {
				return
			}
			_, _ = br.ReadString('\n') // the blank line
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target)
			rest, _ := io.ReadAll(br)
			if !strings.Contains(string(rest), "SECRET") {
				t.Errorf("through the tunnel: %q", rest)
			}
		})
	}
}

func TestParseHostList(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{in: "localhost:3000,cdn.example.com", want: []string{"localhost:3000", "cdn.example.com"}},
		{in: "[::1]:8080", want: []string{"[::1]:8080"}},
		{in: " 127.0.0.1:9 , ", want: []string{"127.0.0.1:9"}},
		{in: "", bad: true},
		{in: "host:0", bad: true},
		{in: "host:http", bad: true},
		{in: "http://host/", bad: true},
		{in: "user@host:1", bad: true},
	} {
		got, err := ParseHostList(tt.in)
		if (err != nil) != tt.bad || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("ParseHostList(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestIsLocal(t *testing.T) {
	for s, want := range map[string]bool{
		"127.0.0.1": true, "127.255.0.9": true, "::1": true, "0.0.0.0": true, "0.1.2.3": true, "::": true,
		"169.254.169.254": true, "fe80::1": true, "::ffff:127.0.0.1": true, "::ffff:169.254.1.1": true,
		"8.8.8.8": false, "10.0.0.1": false, "2001:db8::1": false,
	} {
		if got := IsLocal(netip.MustParseAddr(s)); got != want {
			t.Errorf("IsLocal(%s) = %v, want %v", s, got, want)
		}
	}
}
