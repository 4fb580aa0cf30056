package python

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// server is one http.server: SimpleHTTPRequestHandler over the directory
// root of the emulated files, answering HTTP/1.0, one request a
// connection.
type server struct {
	c    *shell.Cmd
	root string
}

// response is what the handler sends: status, headers in order, body.
type response struct {
	code    int
	reason  string
	headers [][2]string
	body    []byte
	// logMsg is the error line logged before the request's ("code 404,
	// message File not found"), "" for none.
	logMsg string
}

// handle reads one request from conn, answers it, and logs it.
func (s *server) handle(conn net.Conn) {
	req, err := http.ReadRequest(bufio.NewReader(conn))
	if err != nil {
		return
	}
	resp := s.answer(req)
	// Python logs a response before it sends it (send_response).
	host, _, _ := net.SplitHostPort(conn.RemoteAddr().String())
	if resp.logMsg != "" {
		s.log(host, resp.logMsg)
	}
	s.log(host, fmt.Sprintf(`"%s %s %s" %d -`, req.Method, req.RequestURI, req.Proto, resp.code))
	s.write(conn, req, resp)
}

// log writes one line of the access log on standard error, at once (as
// Python's unbuffered stderr does), not when the server ends.
func (s *server) log(host, msg string) {
	now := s.c.World().Clock().Now()
	fmt.Fprintf(s.c.Diag, "%s - - [%s] %s\n", host, now.Format("02/Jan/2006 15:04:05"), msg)
}

// write sends resp: the status line, Server and Date, its headers, the
// body (none for HEAD).
func (s *server) write(conn net.Conn, req *http.Request, resp response) {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.0 %d %s\r\n", resp.code, resp.reason)
	fmt.Fprintf(&b, "Server: SimpleHTTP/0.6 Python/3.11.2\r\n")
	fmt.Fprintf(&b, "Date: %s\r\n", s.c.World().Clock().Now().UTC().Format(http.TimeFormat))
	for _, h := range resp.headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	io.WriteString(conn, b.String())
	if req.Method != http.MethodHead {
		conn.Write(resp.body)
	}
}

// answer is SimpleHTTPRequestHandler's send_head for GET and HEAD.
func (s *server) answer(req *http.Request) response {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return errorResponse(501, "Unsupported method ('"+req.Method+"')", "Server does not support this operation")
	}
	urlPath := req.URL.Path
	p := path.Join(s.root, path.Clean("/"+urlPath))
	fi, err := s.c.Files().Stat(p)
	if err == nil && fi.IsDir() {
		if !strings.HasSuffix(urlPath, "/") {
			loc := urlPath + "/"
			if req.URL.RawQuery != "" {
				loc += "?" + req.URL.RawQuery
			}
			return response{code: 301, reason: "Moved Permanently", headers: [][2]string{{"Location", loc}, {"Content-Length", "0"}}}
		}
		for _, index := range []string{"index.html", "index.htm"} {
			if ifi, err := s.c.Files().Stat(path.Join(p, index)); err == nil && !ifi.IsDir() {
				return s.file(path.Join(p, index), ifi)
			}
		}
		return s.listing(p, urlPath)
	}
	if err != nil || strings.HasSuffix(urlPath, "/") {
		return errorResponse(404, "File not found", "Nothing matches the given URI")
	}
	return s.file(p, fi)
}

// file answers with a file's bytes.
func (s *server) file(p string, fi fs.FileInfo) response {
	data, err := s.c.Files().ReadFile(p)
	if err != nil {
		return errorResponse(404, "File not found", "Nothing matches the given URI")
	}
	return response{code: 200, reason: "OK", body: data, headers: [][2]string{
		{"Content-type", contentType(p)},
		{"Content-Length", fmt.Sprint(len(data))},
		{"Last-Modified", fi.ModTime().UTC().Format(http.TimeFormat)},
	}}
}

// listing answers with list_directory's page.
func (s *server) listing(p, urlPath string) response {
	entries, err := s.c.Files().ReadDir(p)
	if err != nil {
		return errorResponse(404, "No permission to list directory", "Nothing matches the given URI")
	}
	body := listingPage(urlPath, entries)
	return response{code: 200, reason: "OK", body: body, headers: [][2]string{
		{"Content-type", "text/html; charset=utf-8"},
		{"Content-Length", fmt.Sprint(len(body))},
	}}
}

// errorResponse is send_error's answer: its page, Connection: close, and
// the error line for the log.
func errorResponse(code int, message, explain string) response {
	body := fmt.Sprintf(errorPage, code, message, code, explain)
	// send_error's message is the status line's reason too.
	return response{code: code, reason: message, body: []byte(body),
		logMsg: fmt.Sprintf("code %d, message %s", code, message),
		headers: [][2]string{
			{"Connection", "close"},
			{"Content-Type", "text/html;charset=utf-8"},
			{"Content-Length", fmt.Sprint(len(body))},
		}}
}

// unescape is urllib.parse.unquote, for the listing's title.
func unescape(p string) string {
	if u, err := url.PathUnescape(p); err == nil {
		return u
	}
	return p
}
