package python

import (
	"fmt"
	"html"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// errorPage is http.server's DEFAULT_ERROR_MESSAGE.
const errorPage = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: %d</p>
        <p>Message: %s.</p>
        <p>Error code explanation: %d - %s.</p>
    </body>
</html>
`

// listingPage is list_directory's page for the directory at urlPath:
// entries sorted case-insensitively, directories with a slash, symbolic
// links with an @.
func listingPage(urlPath string, entries []fs.FileInfo) []byte {
	sort.Slice(entries, func(i, j int) bool {
		return strings.ToLower(entries[i].Name()) < strings.ToLower(entries[j].Name())
	})
	title := "Directory listing for " + html.EscapeString(unescape(urlPath))
	title = strings.ReplaceAll(strings.ReplaceAll(title, "&#34;", `"`), "&#39;", "'")
	r := []string{
		"<!DOCTYPE HTML>",
		`<html lang="en">`,
		"<head>",
		`<meta charset="utf-8">`,
		"<title>" + title + "</title>\n</head>",
		"<body>\n<h1>" + title + "</h1>",
		"<hr>\n<ul>",
	}
	for _, e := range entries {
		display, link := e.Name(), e.Name()
		switch {
		case e.IsDir():
			display, link = display+"/", link+"/"
		case e.Mode()&fs.ModeSymlink != 0:
			display += "@"
		}
		r = append(r, `<li><a href="`+quote(link)+`">`+escapeText(display)+"</a></li>")
	}
	r = append(r, "</ul>\n<hr>\n</body>\n</html>\n")
	return []byte(strings.Join(r, "\n"))
}

// escapeText is html.escape(s, quote=False): &, < and > only.
func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// quote is urllib.parse.quote: every byte but letters, digits, "_.-~"
// and '/' is written %XX.
func quote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// contentTypes are the types http.server gives by extension (Python's
// mimetypes defaults and SimpleHTTPRequestHandler's own).
var contentTypes = map[string]string{
	".html": "text/html", ".htm": "text/html", ".txt": "text/plain", ".css": "text/css",
	".js": "text/javascript", ".json": "application/json", ".xml": "text/xml",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".ico": "image/vnd.microsoft.icon", ".pdf": "application/pdf",
	".sh": "application/x-sh", ".py": "text/x-python", ".md": "text/markdown",
	".csv": "text/csv", ".tar": "application/x-tar", ".gz": "application/gzip",
	".bz2": "application/x-bzip2", ".xz": "application/x-xz", ".Z": "application/octet-stream",
	".zip": "application/zip", ".conf": "text/plain", ".log": "text/plain",
}

// contentType is guess_type's answer for a file name.
func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t, ok := contentTypes[strings.ToLower(ext)]; ok {
		return t
	}
	return "application/octet-stream"
}
