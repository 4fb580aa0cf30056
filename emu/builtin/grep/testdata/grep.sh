# GNU grep 3.8 on the same files: the options scripts and tutorials use.
printf '1\n2 x\n3\n4\n5\n6 x\n7\n8 x\n9\n10\n11\n12 x\n' > f
printf 'alpha\nBeta\ngamma delta\nfoo-bar foo\nfoobar\n\n' > words
printf 'default via 10.0.0.1 dev eth0\n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2\n' > routes
grep x f
grep -n x f
grep -c x f
grep -v x f
grep -vc x f
grep -i beta words
grep -w foo words
grep -ow foo words
grep -x foobar words
grep -o 'o*' words
grep -E 'al|ga' words
grep 'al\|ga' words
grep -F 'foo-bar' words
grep -e alpha -e Beta words
grep -l x f words
grep -L x f words
grep -H x f
grep -h x f words
grep -q x f
grep -q zzz f
grep -s x nosuch
grep x nosuch f
grep -A1 x f
grep -B1 x f
grep -C1 -n x f
grep -A0 x f
grep -2 x f
grep -m2 x f
grep -m1 -A2 x f
grep -b x f
grep -c '' words
grep '^$' words
grep -n '^$' words
grep '^[[:digit:]]\+ x$' f
grep -E '[0-9]{2}' f
grep 'a\{2\}' words
grep -o '[0-9.]*' routes
grep default routes
ip=$(grep default routes | cut -d' ' -f3); echo $ip
grep -oE 'src [0-9.]+' routes
grep '\(' f
grep -E 'a{1' f
grep -E '*a' words
grep 'a\{x\}' f
grep '[[:foo:]]' f
grep '[:space:]' f
grep -E -F x f
grep
grep -A x f
grep -m x f
grep --nope x f
grep -k x f
grep x .
grep -r x .
grep -r x
mkdir -p d/s && echo x > d/s/a && echo x > d/b
grep -r x d
grep -r x d/
grep -rl x d
grep -rc x d
grep -r --include=a x d
grep -r --exclude-dir=s x d
grep -rh x d
grep -e x -f /dev/null f
printf 'x\n2\n' > pats
grep -f pats f
grep -f nosuch f
printf 'a\0b x\nx\n' > bin
grep x bin
grep -c x bin
grep -a x bin | tr '\0' @
cat f | grep -c x
cat f | grep -H x | head -1
cat f | grep --label=in -H x - | head -1
printf 'no newline x' | grep x
grep -z x f | tr '\0' @ | head -c 40
grep -lZ x f | tr '\0' @
egrep 'a|b' words
fgrep -c '.' f
grep -e '' -c f
grep -w '' words
grep -ix 'beta' words
grep --count x f
grep --max-count=1 x f
grep --regexp=x --line-number f
grep -P '\d+ x' f
