// Package web serves a live view of an emulated world to a browser: the
// topology laid out as boxes and links, frames moving along them, the
// narrated timeline of --explain, the tables of a namespace or bridge, a
// frame's decoded layers and the decision behind it, step buttons that
// drive the same stepper as --step, and the capture so far as pcapng.
//
// The server listens on loopback unless told otherwise. Its trace.Sink
// (hub) copies each event into a bounded queue and does everything else —
// decoding, the frames a page can open, the capture, the streams to the
// pages — on its own goroutine, so the data path never waits for a socket;
// what it cannot keep up with it counts and the page shows. The timeline's
// lines are told by a teach.Narrator on the same bus, as --explain's are.
// Pages follow over Server-Sent Events (/api/events); the topology, tables
// and frames are JSON (/api/topology, /api/ns, /api/frame); the capture is
// /capture.pcapng. Every asset is embedded: the page works offline.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nsemu/nsemu/emu"
)

//go:embed assets
var assets embed.FS

// DefaultAddr is where a server listens when no address is given: the
// loopback interface, on a free port.
const DefaultAddr = "127.0.0.1:0"

// Options configure a server.
type Options struct {
	// Addr is the address to listen on; DefaultAddr when empty.
	Addr string
	// Title names the page (the script's name).
	Title string
}

// Server serves the web view of one world.
type Server struct {
	w     *emu.World
	title string
	ln    net.Listener
	srv   *http.Server
	hub   *hub
	topo  *topoWatch
	step  *stepControl

	// done is closed by Close: streams end, a waiting step returns.
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// Start serves the view of w. Its sink is attached to w's bus at once, so
// every event from now on is seen (attach it before a stepper, so that the
// page has the event a pause is at). Close stops it.
func Start(w *emu.World, opts Options) (*Server, error) {
	addr, err := ParseAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("web view: %w", err)
	}
	s := &Server{w: w, title: opts.Title, ln: ln, done: make(chan struct{})}
	s.hub = newHub(w)
	s.topo = newTopoWatch(w, s.hub)
	s.step = newStepControl(s.hub, s.done)
	s.srv = &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		_ = s.srv.Serve(ln)
	}()
	go func() {
		defer s.wg.Done()
		s.topo.run(s.done)
	}()
	return s, nil
}

// ParseAddr turns the --web argument into a listen address: "" is
// DefaultAddr, "PORT" is that port on loopback, "HOST:PORT" is as given
// (":PORT" listens on every interface).
func ParseAddr(a string) (string, error) {
	if a == "" {
		return DefaultAddr, nil
	}
	if _, err := strconv.ParseUint(a, 10, 16); err == nil {
		return net.JoinHostPort("127.0.0.1", a), nil
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return "", fmt.Errorf("web view address %q: want PORT or HOST:PORT", a)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("web view address %q: bad port %q", a, port)
	}
	if host == "" {
		// ":PORT": every interface, as asked.
		return a, nil
	}
	return net.JoinHostPort(host, port), nil
}

// LooksLikeAddr reports whether a command-line word is a --web address
// (PORT, HOST:PORT or :PORT) rather than a script's name.
func LooksLikeAddr(a string) bool {
	if _, err := strconv.ParseUint(a, 10, 16); err == nil {
		return true
	}
	_, port, err := net.SplitHostPort(a)
	if err != nil {
		return false
	}
	_, err = strconv.ParseUint(port, 10, 16)
	return err == nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL returns the page's address. A server listening on every interface
// is shown at localhost.
func (s *Server) URL() string {
	a := s.ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)) + "/"
}

// Clients returns how many pages follow the event stream.
func (s *Server) Clients() int { return s.hub.clientCount() }

// Dropped returns how many events the sink dropped because its queue was
// full.
func (s *Server) Dropped() int64 { return s.hub.dropped.Load() }

// shutdownGrace is how long Close lets requests under way finish.
const shutdownGrace = time.Second

// Close stops serving: the streams end, a stepper waiting for the page
// runs on, the sink is detached. It waits for the server's goroutines.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.done) // the streams end
		// Requests under way (a button's answer) finish; then the rest go.
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if s.srv.Shutdown(ctx) != nil {
			err = s.srv.Close()
		}
		s.wg.Wait()
		s.step.close()
		s.hub.close()
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
	})
	return err
}

// handler routes the page's requests.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	files := http.FileServer(http.FS(static))
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", noCache(files)))
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /api/events", s.handleEvents)
	mux.HandleFunc("GET /api/topology", s.handleTopology)
	mux.HandleFunc("GET /api/ns", s.handleTables)
	mux.HandleFunc("GET /api/frame", s.handleFrame)
	mux.HandleFunc("GET /api/step", s.handleStepState)
	mux.HandleFunc("POST /api/step", s.handleStep)
	mux.HandleFunc("GET /capture.pcapng", s.handleCapture)
	return s.checkHost(mux)
}

// checkHost refuses requests whose Host is not the server's own when it
// listens on loopback only: another site's page must not reach the view
// through a name that resolves to 127.0.0.1 (DNS rebinding).
func (s *Server) checkHost(next http.Handler) http.Handler {
	a := s.ln.Addr().(*net.TCPAddr)
	if !a.IP.IsLoopback() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			http.Error(w, "web view: unexpected Host "+strconv.Quote(r.Host), http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	page, err := assets.ReadFile("assets/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	title := "nsemu"
	if s.title != "" {
		title = "nsemu — " + s.title
	}
	page = []byte(strings.ReplaceAll(string(page), "{{TITLE}}", htmlEscape(title)))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(page)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// ctxDone returns a context that ends with the request or the server.
func (s *Server) ctxDone(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
