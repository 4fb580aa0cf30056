package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func nsemu(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "demo.sh")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCLI(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		script     string // written to demo.sh and appended to args
		stdin      string
		code       int
		wantOut    string
		wantErr    string
		wantErrNot string
	}{
		{name: "no args", code: 2, wantErr: "Usage:"},
		{name: "help", args: []string{"--help"}, wantOut: "nsemu run [flags] SCRIPT"},
		{name: "help builtin", args: []string{"help", "ping"}, wantOut: "ping [-c COUNT]"},
		{name: "help unknown", args: []string{"help", "frob"}, code: 2, wantErr: `no built-in command "frob"`},
		{name: "version", args: []string{"version"}, wantOut: "nsemu "},
		{name: "unknown command", args: []string{"frob"}, code: 2, wantErr: `unknown command "frob"`},
		{name: "run ok with args", args: []string{"run"}, script: "echo hello $1\n", code: 0, wantOut: "hello world\n"},
		{name: "run failing step", args: []string{"run"}, script: "echo one\nsleep x\necho two\n", code: 1, wantOut: "one\n", wantErr: "demo.sh:2: sleep x: sleep: invalid time interval"},
		{name: "run negation", args: []string{"run"}, script: "! true\n", code: 1, wantErr: "demo.sh:1: ! true: succeeded"},
		{name: "run command not found", args: []string{"run"}, script: "rm -rf /tmp/x\n", code: 127, wantErr: "demo.sh:1: rm -rf /tmp/x: nsemu: rm: command not found"},
		{name: "run missing file", args: []string{"run", "/nonexistent/x.sh"}, code: 2, wantErr: "no such file"},
		{name: "run no script", args: []string{"run"}, code: 2, wantErr: "Usage: nsemu run"},
		{name: "run bad flag", args: []string{"run", "--frob"}, code: 2, wantErr: "unknown flag: --frob"},
		{name: "run stats", args: []string{"run", "--stats"}, script: "sleep 5\n", code: 0, wantErr: "emulated 5"},
		{name: "shell keeps going after errors", args: []string{"shell"}, stdin: "nosuch\necho still here\nx=3\necho $x\nexit\necho after exit\n", code: 0, wantOut: "still here\n", wantErr: "nosuch: command not found"},
		{name: "shell variables persist", args: []string{"shell"}, stdin: "x=3\necho v=$x\n", code: 0, wantOut: "v=3\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if c.script != "" {
				args = append(append([]string(nil), args...), writeScript(t, c.script))
				if c.name == "run ok with args" {
					args = append(args, "world")
				}
			}
			code, out, errs := nsemu(t, c.stdin, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			if !strings.Contains(out, c.wantOut) {
				t.Errorf("stdout %q does not contain %q", out, c.wantOut)
			}
			if !strings.Contains(errs, c.wantErr) {
				t.Errorf("stderr %q does not contain %q", errs, c.wantErr)
			}
			if c.name == "shell keeps going after errors" && strings.Contains(out, "after exit") {
				t.Error("the shell ran a line after exit")
			}
		})
	}
}
