# GNU sed 4.9: corners of the language.
printf 'one\ntwo\nthree\nfour\nfive\n' > f
sed -n '0,5p' f
sed -n '0~0p' f
sed -n '1~0p' f
sed -n '3,1p' f
sed -n '2,1!p' f
sed '2,3!c\X' f
sed '/two/,+2c\X' f
sed -n '/o/{/t/p}' f
sed -n '/o/!{/e/p}' f
sed '1{h;d};2{G}' f
sed -n 's/o/0/w /dev/stdout' f
sed 's/o/0/w /dev/stderr' f
sed -n 'p;p' f | head -3
sed 's/x/y/;s//z/' f
sed 's//z/' f
sed -n '/t/{//p}' f
sed '$!N;$!D' f
sed 'N;N;s/\n/,/g' f
sed -n '2{p;q}' f
sed '2{x;p;x}' f
sed G f | head -4
sed -n 'x;$p' f
sed 'a\' f
sed 'i\' f
sed '$!a --' f
sed 'a  two spaces' f | head -2
sed 'a\	tab' f | head -2
sed 's/e/[&&]/g;s/\[/(/' f
sed 's/\(o\)\(n\)*/<\2|\1>/' f
echo aBc | sed 's/b/x/I'
echo 'a/b' | sed 's/\//|/'
echo 'a,b' | sed 's,\,,;,'
echo 'abc' | sed 's/b/\
/'
echo 'CamelCase' | sed 's/[A-Z]/\l&/g'
echo 'snake_case_name' | sed -E 's/_(.)/\u\1/g'
echo 'x' | sed 's/x/a\cAb/' | tr '\001' '^'
echo 'aaa' | sed 's/a*\?/x/'
echo 'ab' | sed -E 's/a|b/x/g'
echo 'a b' | sed 's/\s/_/'
echo 'a1' | sed 's/[[:alpha:]][[:digit:]]/ok/'
echo '1.5' | sed 's/[0-9]\.[0-9]/n/'
sed -n '/one/,/nomatch/{=}' f
sed -n '$!{$!p}' f | head -1
sed '5!d;s/five/5/' f
sed -e 1d -e '$d' f
sed --expression=1d f
sed -ne 2p f
sed -n -e 2p -e 4p f
sed -s -n 1p f f
sed -n 'y/o/0/;/0/p' f
sed '2 y/o/0/' f
sed '1 ! d' f
sed -n '/two/ , /four/ p' f
sed 's/o/0/ ; s/t/T/' f
sed '{p};p' f | head -3
printf '/t/{\np\n}\n' > sc; sed -n -f sc f
printf 'b end\ns/o/0/\n:end\n' > sc; sed -f sc f | head -2
sed -n '2{p;b};$p' f
sed -E 's/(o)+/[\1]/' f
sed 's/o\+/[&]/' f
sed 's/^\(.\)\(.*\)$/\2\1/' f
sed -n 'l 1' f | head -1
sed -n 'l 0' f | head -1
sed 'v' f | head -1
sed 'v 4.2' f | head -1
sed 'v 9.9' f | head -1
sed 'Q;p' f
sed '2,3{/t/d}' f
sed 'x' f
