# GNU sed 4.9 on the same files: the commands and options scripts use.
printf 'one\ntwo\nthree\nfour\nfive\n' > f
printf 'alpha beta\ngamma delta\n' > g
printf 'default via 10.0.0.1 dev eth0\n10.0.0.0/24 dev eth0 src 10.0.0.2\n' > routes
sed p f
sed -n p f
sed -n 2p f
sed 2d f
sed '2,4d' f
sed '$d' f
sed -n '$p' f
sed '$!d' f
sed -n '/t/p' f
sed -n '/two/,/four/p' f
sed -n '2,+1p' f
sed -n '1~2p' f
sed -n '0~2p' f
sed -n '2,~4p' f
sed -n '0,/o/p' f
sed -n '1,/o/p' f
sed '2!d' f
sed -n '/^t/!p' f
sed 's/o/0/' f
sed 's/o/0/g' f
sed 's/e/E/2' f
sed 's/e/E/2g' f
sed -n 's/o/0/p' f
sed 's/\(.\)\(.\)/\2\1/' f
sed -E 's/(.)(.)/\2\1/' f
sed 's/.*/[&]/' f
sed 's/.*/\U&/' f
sed 's/\w\+/\u&/g' g
sed 's/\(\w\+\) \(\w\+\)/\2 \1/' g
sed 's/a/\n/' g
sed 's/a/\t/g' g
sed 's|/24|/16|' routes
sed -n 's/.*via \([0-9.]*\).*/\1/p' routes
sed -E -n 's/.* src ([0-9.]+).*/\1/p' routes
sed 's/O/x/I' f
sed '/two/s/o/0/' f
sed 'y/abc/xyz/' g
sed '2i\inserted' f
sed '2a appended' f
sed '2c\changed' f
sed '2,3c\changed' f
sed '$a\
last\
lines' f
sed '1i\  indented' f
sed -e '1a\' -e 'next' f
sed = f
sed -n '$=' f
sed -n l g
printf 'a\tb\001\\\n' | sed -n l
printf 'abcdefghijklmnop\n' | sed -n 'l 6'
printf 'abcdefghijklmnop\n' | sed -l 8 -n l
sed 'N;s/\n/+/' f
sed '$!N;s/\n/+/' f
sed ':a;N;$!ba;s/\n/,/g' f
sed -n 'h;n;G;p' f
sed '1!G;h;$!d' f
sed -n '$!{h;d};x;G;p' f
sed 'n;d' f
sed '2q' f
sed '2Q' f
sed '3q5' f; echo status $?
sed -n '/t/{p;p}' f
sed '/two/{s/two/2/;s/2/II/}' f
sed 'P;D' f
printf 'a\nb\nc\n' | sed 'N;P;D'
sed '=' f | sed 'N;s/\n/ /'
sed 's/o/0/;t;s/$/ (no o)/' f
sed 's/o/0/;T;s/$/ (had o)/' f
sed -n '/two/{n;p}' f
sed 'z;s/^$/empty/' f
sed F f | head -2
sed -s -n '$p' f g
sed -n '$p' f g
sed '1d' f g
sed -n 'w out' f && cat out
sed -n '/t/w out2' f && cat out2
sed 's/o/0/w out3' f > /dev/null && cat out3
sed '2r g' f
sed 'R g' f
sed '$r nosuch' f
cp f h && sed -i 's/o/0/' h && cat h
cp f h && sed -i.bak '1d' h && cat h h.bak
cp f h && sed -i -e '1d' h f nosuch; cat h
printf 'a\0b\0' | sed -z 's/^/x/' | tr '\0' '\n'
printf 'no newline' | sed p
printf 'no newline' | sed 's/no/a/'
printf 'x\n' | sed 's/x*/-/g'
printf 'baaac\n' | sed 's/a*/x/g'
printf 'hello\n' | sed 's/l*/X/2'
echo abc | sed 'y/abc/\n\t\\/' | tr '\n\t\\' NTB
printf '#n\np\n' > sc; sed -f sc f | head -2
printf '2p\n' > sc2; sed -n -f sc2 f
sed -f nosuch f
sed
sed k f
sed 's/a/b' f
sed 's/a/b/x' f
sed 's/a/b/gg' f
sed 's/a/b/pp' f
sed 's/a/b/0' f
sed 'y/ab/c/' f
sed '{p' f
sed 'p}' f
sed 'b foo' f
sed 'pq' f
sed '0p' f
sed 's/\(a\)/\2/' f
sed 'a' f
sed '1#x' f
sed ': ' f
sed '1,2:a' f
sed '1,2q' f
sed r f
sed -n '/a' f
sed 's/a\(/x/' f
sed -e p -e k f
printf 'k\n' > sc3; sed -f sc3 f
sed -n '/x/I,/y/Mp' f
sed --posix 'a foo' f
sed -i p
sed p nosuch f
sed --sandbox 'w x' f
sed --sandbox '1r f' f
sed -n 's/[[:digit:]]\+/<&>/gp' routes
sed 's/[^ ]* //2' g
sed -E 's/^(\S+)\s.*/\1/' routes
echo 'a.b.c' | sed 's/\./-/g'
echo 'path/to/file' | sed 's#/#\\#g'
echo aaa | sed 's/a\{2\}/X/'
echo aaa | sed -E 's/a{2}/X/'
echo 'x+y' | sed 's/+/ plus /'
echo 'x+y' | sed -E 's/\+/ plus /'
echo 'Hello World' | sed 's/\(.*\)/\L\1/'
echo 'hello world' | sed 's/\b./\u&/g'
echo 'foo bar' | sed 's/\<./X/g'
echo 'one two' | sed -e 's/one/1/' -e 's/two/2/'
echo 'one two' | sed 's/one/1/; s/two/2/'
echo abc | sed -n '/b/{s/b/B/p}'
