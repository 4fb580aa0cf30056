# GNU coreutils 9.1 on the same files: head tail wc sort uniq cut tr tee seq cat.
printf '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n' > n
printf 'b 2\na 10\nc 1\nb 2\nA 3\n' > kv
printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnodelim\n' > pw
head n
head -n 3 n
head -3 n
head -n -9 n
head -c 5 n
head -c -20 n
head -n 2 n kv
head -q -n 1 n kv
head -v -n 1 n
head -n x n
head -c 1x n
head nosuch
head -n 1 nosuch n
tail n
tail -n 3 n
tail -3 n
tail -n +10 n
tail +11 n
tail -c 6 n
tail -c +25 n
tail -n 1 n kv
tail -n x n
tail nosuch
printf 'a\nb' | tail -n 1
printf 'a\nb' | head -n 1
wc n
wc -l n
wc -w kv
wc -c n kv
wc n kv
wc -l n kv
cat n | wc
cat n | wc -l
cat n | wc -lc
wc -L pw
wc nosuch
wc n nosuch
printf 'x y\nz' | wc
sort kv
sort -r kv
sort -n -k2 kv
sort -k2n kv
sort -k2,2n -k1,1 kv
sort -u kv
sort -f kv
sort -t: -k3n pw
sort -t: -k3,3nr pw
sort -k1.2 kv
printf '10K\n1M\n2K\n512\n' | sort -h
printf 'v1.10\nv1.9\nv1.2\n' | sort -V
printf '3\n1\n2\n' | sort -c
printf '1\n2\n' | sort -c
printf 'b\na\n' | sort -o out && cat out
sort -k 0 kv
sort -k x kv
sort -t ab kv
sort -n -g kv
sort nosuch
printf ' b\na\n' | sort -b
printf '1.5\n-2\n1e3\nx\n' | sort -g
printf 'Feb\nJan\nxyz\n' | sort -M
printf '%s\n' b a b a | sort | uniq
printf '%s\n' b a b a | sort | uniq -c
printf 'a\na\nb\nc\nc\n' | uniq -d
printf 'a\na\nb\nc\nc\n' | uniq -u
printf 'a\nA\nb\n' | uniq -i
printf 'x a\ny a\nz b\n' | uniq -f1
printf 'xa\nya\nzb\n' | uniq -s1 -c
uniq -f x kv
uniq kv out2 && cat out2
uniq a b c
cut -d: -f1 pw
cut -d: -f1,7 pw
cut -d: -f3- pw
cut -d: -f1 -s pw
cut -d: -f2 --complement pw
cut -d: -f1,3 --output-delimiter=' ' pw
cut -c1-4 pw
cut -b -3 pw
cut -c3- n
cut -f1 kv
cut -d' ' -f2 kv
cut
cut -f 0 pw
cut -f 2-1 pw
cut -d ab -f1 pw
cut -c1 -f1 pw
cut -f x pw
cut -f 1-2-3 pw
cut -d: -c1 pw
cut -s -c1 pw
cut -d: -f1 nosuch
echo hello | tr a-z A-Z
echo hello | tr '[:lower:]' '[:upper:]'
echo 'a  b   c' | tr -s ' '
echo hello | tr -d l
echo hello | tr -d -c 'l\n'
echo hello | tr -cs 'a-z' '\n'
echo 'a:b:c' | tr : '\n'
echo hello | tr el ip
echo hello | tr a-y b-z
echo hello | tr -t abcde xy
echo hello | tr 'a-z' '[x*]'
echo hello | tr 'a-z' 'A-C[=*5]'
echo 'tab	x' | tr '\t' ' '
echo hello | tr '\150' H
tr
tr a
tr -d a b
tr a b c
tr '[:foo:]' a
tr a '[:digit:]'
echo x | tr a ''
tr '[a*]' b
tr a '[b*x]'
echo x | tr z-a b
echo hi | tee t1 t2
cat t1 t2
echo more | tee -a t1 > /dev/null
cat t1
echo hi | tee /nodir/x
seq 3
seq 2 4
seq 1 2 7
seq 5 -1 3
seq 0.5 0.5 2
seq -w 8 10
seq -s, 3
seq -s ', ' 1 3
seq -f '%03g' 3
seq -f 'n%g' 2
seq 1 0.1 1.3
seq
seq x
seq 1 0 3
seq 1 2 3 4
cat -n kv
cat -A pw | head -1
cat -s -E kv
cat nosuch
cat n - < kv | tail -2
