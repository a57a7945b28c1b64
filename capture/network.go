package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Access is what the pages of a render may reach besides the render's own
// servers. The zero value is nothing: every other host is refused.
type Access struct {
	// Internet lets pages reach any host whose every address dialed is
	// neither loopback, link-local nor unspecified (see IsLocal). Names
	// are resolved by the proxy and checked by address, so a name that
	// resolves to 127.0.0.1 is refused like 127.0.0.1.
	Internet bool
	// Hosts are reached even when Internet is off: "host:port", or "host"
	// for any of its ports. A literal loopback or link-local address, or
	// the name localhost, opens that address: it is the only way to reach
	// one. Any other name is still checked by address.
	Hosts []string
}

// ParseHostList parses the value of --allow-net=HOST:PORT,...: a comma-
// separated list of host:port or host, IPv6 addresses in brackets.
func ParseHostList(list string) ([]string, error) {
	var out []string
	for h := range strings.SplitSeq(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, err := parseRule(h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, errors.New("no host given: name them as host:port,host:port")
	}
	return out, nil
}

// rule is one entry of Access.Hosts, canonical.
type rule struct {
	host  string // lower-case name, or an address's canonical text
	port  string // "" for any
	local bool   // opens loopback and link-local addresses
}

func parseRule(s string) (rule, error) {
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
		if _, err := parsePort(p); err != nil {
			return rule{}, fmt.Errorf("host %q: bad port %q", s, p)
		}
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		host = s[1 : len(s)-1]
	}
	if host == "" || strings.ContainsAny(host, "/?#@ ") {
		return rule{}, fmt.Errorf("host %q: want host:port or host", s)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap().WithZone("")
		return rule{host: a.String(), port: port, local: IsLocal(a)}, nil
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return rule{host: host, port: port, local: isLocalName(host)}, nil
}

// IsLocal reports the addresses a page must never reach unless the user
// named them: loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0, ::, which
// connect to this machine), and link-local (169.254.0.0/16, fe80::/10,
// where cloud metadata services live), IPv4-mapped IPv6 forms included.
func IsLocal(a netip.Addr) bool {
	a = a.Unmap()
	// 0.0.0.0/8 is "this network": Linux connects 0.0.0.0 to this machine.
	thisNet := a.Is4() && a.As4()[0] == 0
	return a.IsLoopback() || a.IsUnspecified() || thisNet || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast()
}

// isLocalName reports the names that mean this machine whatever DNS says:
// Chrome itself resolves localhost and *.localhost to loopback.
func isLocalName(host string) bool {
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// Blocked is one refused request's host and why it was refused.
type Blocked struct {
	Host   string // as the page wrote it, with its port unless the default
	Reason string
}

// Reasons a request is refused, completing "blocked a request to HOST: ".
const (
	reasonOff     = "network access is off (pass --allow-net to permit it)"
	reasonLocal   = "network access is off for loopback and link-local addresses (name one with --allow-net=HOST:PORT to permit it)"
	reasonUnnamed = "network access is off for hosts --allow-net does not name"
)

// BlockedError is a connection the Network refused: the error of a
// request sent through Transport to a host the render may not reach.
type BlockedError struct {
	Host   string
	Reason string
}

func (e *BlockedError) Error() string { return "blocked a request to " + e.Host + ": " + e.Reason }

// Network is everything the pages of one render may reach: the render's
// own loopback servers (several when a deck's pages come from several
// trees) and what its Access allows. Each server is also Chrome's HTTP
// proxy, and Chrome sends loopback through it too (see Launch), so every
// request a page makes is decided here, by address and port, whatever
// spelling the URL used: Chrome hands the proxy canonical addresses
// (127.1 and 2130706433 arrive as 127.0.0.1) and names unresolved.
//
// The caller must Close it after the servers, which also stops the
// tunnels of CONNECT requests still open.
type Network struct {
	access Access
	rules  []rule
	// lookup resolves a name; a field, so tests can make a name resolve
	// to loopback as DNS rebinding would.
	lookup  func(ctx context.Context, host string) ([]netip.Addr, error)
	onBlock func(Blocked)
	forward *httputil.ReverseProxy
	hop     *http.Transport

	mu      sync.Mutex
	servers map[netip.AddrPort]*Server
	blocked map[string]bool

	// tunnels are the CONNECT relays running; Close ends them.
	tunnels sync.WaitGroup
	ctx     context.Context
	stop    context.CancelFunc
}

// NewNetwork makes the network of one render. onBlock (nil: ignored) is
// called once per host a page tried to reach and was refused.
func NewNetwork(access Access, onBlock func(Blocked)) (*Network, error) {
	n := &Network{access: access, onBlock: onBlock,
		servers: map[netip.AddrPort]*Server{}, blocked: map[string]bool{}}
	for _, h := range access.Hosts {
		r, err := parseRule(h)
		if err != nil {
			return nil, fmt.Errorf("allowed hosts: %w", err)
		}
		n.rules = append(n.rules, r)
	}
	n.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	n.ctx, n.stop = context.WithCancel(context.Background())
	n.hop = &http.Transport{
		// Never an environment proxy: the decision is ours, by address.
		Proxy: nil,
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return n.dial(ctx, addr)
		},
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	n.forward = &httputil.ReverseProxy{
		// The proxy request already holds the absolute URL; Rewrite only
		// drops the hop-by-hop headers (its default) and adds nothing.
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.Out.Host = pr.In.Host },
		Transport: n.hop,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if be, ok := errors.AsType[*BlockedError](err); ok {
				n.refuse(w, blockedHost(r), be.Reason)
				return
			}
			http.Error(w, "deckreel: "+err.Error(), http.StatusBadGateway)
		},
	}
	return n, nil
}

// AllowInput lets the pages reach host ("host:port" or "host"), whatever
// addresses it has, loopback too: the host of a page the user gave on the
// command line, which is the user's own choice.
func (n *Network) AllowInput(host string) error { return n.allow(host, true) }

// AllowPage lets the pages reach host, but never on a loopback or
// link-local address unless Access names one: the host of a page a deck
// names, which comes from anyone.
func (n *Network) AllowPage(host string) error { return n.allow(host, false) }

func (n *Network) allow(host string, local bool) error {
	r, err := parseRule(host)
	if err != nil {
		return err
	}
	r.local = local
	n.mu.Lock()
	defer n.mu.Unlock()
	n.rules = append(n.rules, r)
	return nil
}

// Transport sends requests as the pages' are: to the hosts the Network
// lets them reach, else failing with a *BlockedError (not reported). It is
// for deckreel's own requests on a page's behalf, such as checking that a
// page's URL answers before Chrome loads it.
func (n *Network) Transport() http.RoundTripper { return n.hop }

// Close ends the CONNECT tunnels and waits for them, and drops idle
// connections to allowed hosts. Close the servers first.
func (n *Network) Close() {
	n.mu.Lock()
	n.stop()
	n.mu.Unlock()
	n.tunnels.Wait()
	n.hop.CloseIdleConnections()
}

func (n *Network) add(s *Server) {
	ap, _ := netip.ParseAddrPort(s.Addr())
	n.mu.Lock()
	defer n.mu.Unlock()
	n.servers[ap] = s
}

func (n *Network) remove(s *Server) {
	ap, _ := netip.ParseAddrPort(s.Addr())
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.servers, ap)
}

// ours returns the render's own server at host:port, if it is one. Only
// the canonical address is ours: localhost:PORT is another host's name.
func (n *Network) ours(hostport string) *Server {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil {
		return nil
	}
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.servers[ap]
}

// serveProxy answers a request Chrome sent through the proxy: to one of
// our servers, it is served in process; to anything else, it is relayed
// if Access allows the address, and refused and reported otherwise.
func (n *Network) serveProxy(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		n.connect(w, r)
		return
	}
	if r.URL.Scheme != "http" {
		n.refuse(w, blockedHost(r), reasonOff)
		return
	}
	if s := n.ours(withPort(r.URL.Host, "80")); s != nil {
		s.serveLocal(w, r)
		return
	}
	n.forward.ServeHTTP(w, r)
}

// connect tunnels https and WebSocket connections to an allowed host.
func (n *Network) connect(w http.ResponseWriter, r *http.Request) {
	conn, err := n.dial(r.Context(), withPort(r.Host, "443"))
	if err != nil {
		if be, ok := errors.AsType[*BlockedError](err); ok {
			n.refuse(w, blockedHost(r), be.Reason)
			return
		}
		http.Error(w, "deckreel: "+err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		conn.Close()
		http.Error(w, "deckreel: cannot tunnel", http.StatusInternalServerError)
		return
	}
	client, buf, err := hj.Hijack()
	if err != nil {
		conn.Close()
		return
	}
	if _, err := io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		client.Close()
		conn.Close()
		return
	}
	// Under mu, so that no tunnel starts once Close has begun waiting.
	n.mu.Lock()
	if n.ctx.Err() != nil {
		n.mu.Unlock()
		client.Close()
		conn.Close()
		return
	}
	n.tunnels.Add(1)
	n.mu.Unlock()
	go func() {
		defer n.tunnels.Done()
		n.relay(client, buf, conn)
	}()
}

// relay copies both ways until either side ends or the network closes.
func (n *Network) relay(client net.Conn, buffered io.Reader, upstream net.Conn) {
	stop := context.AfterFunc(n.ctx, func() {
		client.Close()
		upstream.Close()
	})
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(upstream, buffered)
		upstream.Close()
	}()
	_, _ = io.Copy(client, upstream)
	client.Close()
	upstream.Close()
	<-done
}

// dial connects to hostport if Access allows it, deciding by the address
// actually dialed: a name is resolved once, here, and only addresses that
// pass are dialed, so a name cannot resolve to loopback behind our back.
func (n *Network) dial(ctx context.Context, hostport string) (net.Conn, error) {
	addrs, err := n.resolve(ctx, hostport)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	var errs []error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, "tcp", a.String())
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("connect to %s: %w", hostport, errors.Join(errs...))
}

// resolve returns the addresses of hostport that Access lets a page dial,
// or a *blockedError.
func (n *Network) resolve(ctx context.Context, hostport string) ([]netip.AddrPort, error) {
	host, portText, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, &BlockedError{Host: hostport, Reason: reasonOff}
	}
	port, err := parsePort(portText)
	if err != nil {
		return nil, &BlockedError{Host: hostport, Reason: reasonOff}
	}
	if s := n.ours(hostport); s != nil {
		return []netip.AddrPort{netip.MustParseAddrPort(s.Addr())}, nil
	}
	literal, litErr := netip.ParseAddr(host)
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if litErr == nil {
		literal = literal.Unmap().WithZone("")
		name = literal.String()
	}
	named, openLocal := n.match(name, portText)
	if !named && !n.access.Internet {
		if litErr == nil && IsLocal(literal) || isLocalName(name) {
			return nil, &BlockedError{Host: hostport, Reason: reasonLocal}
		}
		if len(n.rules) > 0 {
			return nil, &BlockedError{Host: hostport, Reason: reasonUnnamed}
		}
		return nil, &BlockedError{Host: hostport, Reason: reasonOff}
	}
	var ips []netip.Addr
	switch {
	case litErr == nil:
		ips = []netip.Addr{literal}
	case isLocalName(name):
		// RFC 6761, as Chrome resolves them: never asked of DNS.
		ips = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}
	default:
		ips, err = n.lookup(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", host, err)
	}
	var out []netip.AddrPort
	for _, ip := range ips {
		ip = ip.Unmap()
		if IsLocal(ip) && !openLocal {
			// A local address is reached when it is named itself,
			// whatever name led to it.
			if _, local := n.match(ip.String(), portText); !local {
				continue
			}
		}
		out = append(out, netip.AddrPortFrom(ip, port))
	}
	if len(out) == 0 {
		return nil, &BlockedError{Host: hostport, Reason: reasonLocal}
	}
	return out, nil
}

// match reports whether a rule names host (canonical) and port, and
// whether such a rule opens local addresses.
func (n *Network) match(host, port string) (named, local bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range n.rules {
		if r.host == host && (r.port == "" || r.port == port) {
			named = true
			local = local || r.local
		}
	}
	return named, local
}

// refuse answers 403 and reports host once.
func (n *Network) refuse(w http.ResponseWriter, host, reason string) {
	n.block(host, reason)
	http.Error(w, "deckreel: "+reason, http.StatusForbidden)
}

func (n *Network) block(host, reason string) {
	if isBrowserHost(host) {
		return
	}
	n.mu.Lock()
	first := !n.blocked[host]
	n.blocked[host] = true
	n.mu.Unlock()
	if first && n.onBlock != nil {
		n.onBlock(Blocked{Host: host, Reason: reason})
	}
}

// Blocked lists the hosts that were refused.
func (n *Network) Blocked() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, 0, len(n.blocked))
	for h := range n.blocked {
		out = append(out, h)
	}
	return out
}

// blockedHost names the host of a refused request for the report: as the
// page wrote it, with its port unless it is 80 or 443. A CONNECT does not
// say whether it is for https or a WebSocket (ws: is port 80), so both
// default ports are left out, and http://h/, https://h/ and ws://h/ are
// one host.
func blockedHost(r *http.Request) string {
	h := r.Host
	if r.Method != http.MethodConnect && r.URL.Host != "" {
		h = r.URL.Host
	}
	if host, port, err := net.SplitHostPort(h); err == nil && (port == "80" || port == "443") {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return h
}

// withPort adds port to hostport when it has none.
func withPort(hostport, port string) string {
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return hostport
	}
	return net.JoinHostPort(strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), port)
}

// parsePort parses a TCP port, 1-65535.
func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return uint16(n), nil
}
