package docker

import (
	"strings"

	engine "github.com/nsemu/nsemu/emu/docker"
)

// pullFlags are docker pull's flags.
var pullFlags = []flagSpec{{"quiet", 'q', false}, {"all-tags", 'a', false}, {"platform", 0, true}}

// dockerPull pretends: no image is ever downloaded, every image is "up to
// date", with the digest the engine gives it.
func dockerPull(d *cli, _ *engine.Engine, args []string) error {
	f, err := d.flags(args, pullFlags, true)
	if err != nil {
		return err
	}
	if len(f.args) != 1 {
		return needArgs(d.sub, 1, true, "pull [OPTIONS] NAME[:TAG|@DIGEST]", "Download an image from a registry")
	}
	ref := f.args[0]
	name, tag := ref, "latest"
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		name, tag = ref[:i], ref[i+1:]
	} else {
		d.c.Printf("Using default tag: latest\n")
	}
	full := name
	if !strings.Contains(name, "/") {
		full = "library/" + name
	}
	if !strings.Contains(strings.Split(full, "/")[0], ".") {
		full = "docker.io/" + full
	}
	d.c.Printf("%s: Pulling from %s\nDigest: sha256:%s\nStatus: Image is up to date for %s:%s\n%s:%s\n",
		tag, strings.TrimPrefix(full, "docker.io/"), engine.ImageID(ref), name, tag, full, tag)
	return nil
}
