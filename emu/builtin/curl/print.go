package curl

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// print writes what curl prints of a response: the headers with -I or
// -i, the body unless -I, nothing of either with -o; then -w's line.
func (r *Request) print(w io.Writer, res *Result) {
	if !r.Discard {
		if r.Head || r.Include {
			w.Write(res.RawHead)
		}
		if !r.Head {
			w.Write(res.Body)
		}
	}
	if r.WriteOut != "" {
		io.WriteString(w, writeOut(r.WriteOut, res))
	}
}

// writeOut expands curl's -w format.
func writeOut(f string, res *Result) string {
	r := strings.NewReplacer(
		"%{http_code}", fmt.Sprintf("%03d", res.Resp.StatusCode),
		"%{response_code}", fmt.Sprintf("%03d", res.Resp.StatusCode),
		"%{remote_ip}", res.Remote.Addr().String(),
		"%{remote_port}", fmt.Sprint(res.Remote.Port()),
		"%{size_download}", fmt.Sprint(len(res.Body)),
		"%{content_type}", res.Resp.Header.Get("Content-Type"),
		"%{time_total}", fmt.Sprintf("%.6f", res.Elapsed.Seconds()),
		`\n`, "\n", `\t`, "\t",
	)
	return r.Replace(f)
}

// printLines writes each line of s (lines end in CRLF) with a prefix, as
// curl -v shows the request ("> ") and the response ("< ").
func printLines(w io.Writer, prefix, s string) {
	for _, l := range strings.Split(s, "\r\n") {
		fmt.Fprintf(w, "%s%s\n", prefix, l)
	}
}

// printServerResponse writes the response headers as wget -S does.
func printServerResponse(w io.Writer, res *Result) {
	printLines(w, "  ", strings.TrimSuffix(string(res.RawHead), "\r\n\r\n"))
}

// print writes the body (-O-), or wget's report of saving it: there are
// no files, so the body is discarded. --spider only reports.
func (r *WgetRequest) print(c *shell.Cmd, res *Result) {
	switch {
	case r.Spider:
		if !r.Quiet {
			fmt.Fprintf(c.Stderr, "remote file exists\n")
		}
	case r.Out == "-":
		c.Stdout.Write(res.Body)
	case !r.Quiet:
		name := r.Out
		if name == "" {
			name = "index.html"
		}
		fmt.Fprintf(c.Stderr, "saving to '%s'\n%-20s 100%% |********************************| %5d  0:00:00 ETA\n'%s' saved\n", name, name, len(res.Body), name)
	}
}
