package docker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/nsemu/nsemu/emu/shell"
)

// The CLI's output shapes: --format templates (Go templates with docker's
// functions), aligned tables, and inspect's JSON.

var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(b.String(), "\n"), nil
	},
	"join":  strings.Join,
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"split": strings.Split,
	"pad": func(s string, l, r int) string {
		return strings.Repeat(" ", l) + s + strings.Repeat(" ", r)
	},
	"truncate": func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	},
	"println": func(a ...any) string { return fmt.Sprintln(a...) },
}

// parseFormat parses a --format template ("table ..." has a header row).
func parseFormat(format string) (tmpl *template.Template, table bool, err error) {
	if f, ok := strings.CutPrefix(format, "table"); ok {
		table = true
		format = strings.TrimLeft(f, " ")
	}
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	tmpl, err = template.New("").Funcs(templateFuncs).Parse(format)
	if err != nil {
		return nil, false, fmt.Errorf("template parsing error: %v", err)
	}
	return tmpl, table, nil
}

// writeTable executes a --format for each item, one line each; a table
// format has a header row (header's fields) and is aligned as the docker
// CLI aligns tables (tabwriter: min width 10, padding 3). Nothing is
// printed if the template fails.
func (d *cli) writeTable(format string, header any, items []any) error {
	tmpl, table, err := parseFormat(format)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if table {
		items = append([]any{header}, items...)
	}
	for _, it := range items {
		if err := tmpl.Execute(&b, it); err != nil {
			return shell.Failf(1, "template: %v", err)
		}
		b.WriteByte('\n')
	}
	if !table {
		d.c.Stdout.Write(b.Bytes())
		return nil
	}
	tw := tabwriter.NewWriter(d.c.Stdout, 10, 1, 3, ' ', 0)
	tw.Write(b.Bytes())
	tw.Flush()
	return nil
}

// toJSONValue turns a view into the generic JSON value docker's templates
// run on (so that {{.Id}} and {{.State.Pid}} read as with Docker).
func toJSONValue(v any) any {
	b, _ := json.Marshal(v)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	_ = dec.Decode(&out)
	return out
}

// printJSON prints inspect's JSON array.
func (d *cli) printJSON(vals []any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if len(vals) == 0 {
		b.WriteString("[]\n")
	} else {
		_ = enc.Encode(vals)
	}
	d.c.Stdout.Write(b.Bytes())
}

// printInspect prints inspect's values: with --format, the template for
// each value, one line each; without, the JSON array.
func (d *cli) printInspect(format string, vals []any) error {
	if format == "" {
		d.printJSON(vals)
		return nil
	}
	tmpl, _, err := parseFormat(format)
	if err != nil {
		return err
	}
	for _, v := range vals {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, toJSONValue(v)); err != nil {
			return shell.Failf(1, "template: %v", err)
		}
		b.WriteByte('\n')
		d.c.Stdout.Write(b.Bytes())
	}
	return nil
}

// ellipsis cuts s to n runes, the last an ellipsis.
func ellipsis(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// humanDuration is go-units' HumanDuration, which docker ps uses.
func humanDuration(d time.Duration) string {
	if seconds := int(d.Seconds()); seconds < 1 {
		return "Less than a second"
	} else if seconds == 1 {
		return "1 second"
	} else if seconds < 60 {
		return fmt.Sprintf("%d seconds", seconds)
	} else if minutes := int(d.Minutes()); minutes == 1 {
		return "About a minute"
	} else if minutes < 60 {
		return fmt.Sprintf("%d minutes", minutes)
	} else if hours := int(d.Hours() + 0.5); hours == 1 {
		return "About an hour"
	} else if hours < 48 {
		return fmt.Sprintf("%d hours", hours)
	} else if hours < 24*7*2 {
		return fmt.Sprintf("%d days", hours/24)
	} else if hours < 24*30*2 {
		return fmt.Sprintf("%d weeks", hours/24/7)
	} else if hours < 24*365*2 {
		return fmt.Sprintf("%d months", hours/24/30)
	}
	return fmt.Sprintf("%d years", int(d.Hours())/24/365)
}
