# mawk 1.3.4 (Debian's awk) on the same files: what scripts and tutorials do with awk.
printf 'default via 10.0.0.1 dev eth0\n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2\n' > routes
printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n' > pw
printf 'a 1\nb 2\na 3\nc 4\n' > kv
awk '{print $1}' routes
awk '/default/ {print $3}' routes
awk '$1 == "default" {print $5}' routes
awk -F: '{print $1, $7}' pw
awk -F: -v OFS=, '{print $1, $3}' pw
awk -F':' '$3 >= 1 {print $1}' pw
awk '{s += $2} END {print s}' kv
awk '{c[$1]++} END {for (k in c) n++; print n}' kv
awk '{print NR": "$0}' kv
awk 'NR==2' kv
awk 'NR>1 && NR<4' kv
awk 'END {print NR}' kv
awk '{print NF}' routes
awk '{print $NF}' routes
awk '{print $(NF-1)}' routes
awk '{$2 = "X"; print}' kv
awk 'BEGIN {print "hello"}'
awk 'BEGIN {printf "%s-%05.1f-%x-%c\n", "a", 3.14159, 255, 65}'
awk 'BEGIN {x = 1; x += 2; print x * 3, 7 % 3, 2 ^ 10}'
awk 'BEGIN {print length("abc"), substr("hello", 2, 3), index("hello", "l")}'
awk 'BEGIN {print toupper("abc"), tolower("ABC")}'
awk 'BEGIN {s = "a-b-c"; n = split(s, p, "-"); print n, p[1], p[3]}'
awk 'BEGIN {s = "hello"; gsub(/l/, "L", s); print s}'
awk 'BEGIN {s = "hello"; sub(/l/, "L", s); print s}'
awk 'BEGIN {print match("foobar", /ob/), RSTART, RLENGTH}'
awk 'BEGIN {printf "%d %i %o %e %g\n", 42.9, -3, 8, 12345.678, 0.0001}'
awk 'BEGIN {print 1 == 1.0, "a" < "b", 10 < 9}'
awk -v n=3 'BEGIN {for (i = 0; i < n; i++) print i}'
awk -v 's=a\tb' 'BEGIN {print s}'
awk '{print FILENAME, FNR, NR}' kv routes
awk 'FNR == 1 {print FILENAME}' kv pw
awk 'END {print FILENAME}' kv pw
cat kv | awk '{print FILENAME ":" $1}'
awk '{print x, $1}' x=1 kv x=2 kv
awk '{print}' - < kv
awk 'length($0) > 3' routes
awk '$1 ~ /^[ab]$/ {print $2}' kv
awk '$1 !~ /a/' kv
awk '{sum[$1] += $2} END {print sum["a"], sum["b"]}' kv
awk 'BEGIN {while (i < 3) {i++; if (i == 2) continue; print i}}'
awk 'BEGIN {do {j++} while (j < 5); print j}'
awk 'function f(a, b) {return a + b} BEGIN {print f(2, 3)}'
awk 'BEGIN {a["x"] = 1; delete a["x"]; print length(a)}'
awk 'BEGIN {if ("x" in a) print "yes"; else print "no"}'
awk '{print $1 > "/dev/stdout"}' kv
awk '{print $1 >> "/dev/stdout"}' kv
awk 'BEGIN {getline l < "/dev/stdin"; print "got " l}' < kv
awk 'BEGIN {OFS = "-"} {$1 = $1; print}' routes
awk 'BEGIN {RS = ""} {print NR": "$1}' kv
awk 'BEGIN {FS = ","} {print $2}' <<< 'a,b,c'
awk -F'\t' '{print $2}' <<< $'x\ty'
awk '{print $1}' nosuch
awk '{print $1}' nosuch kv
awk -f nosuch
awk -v
awk -x 1
awk -v foo 1
printf 'BEGIN { print "from file" }\n' > prog.awk; awk -f prog.awk
printf '{ print $2 }\n' > p2.awk; awk -f p2.awk kv | head -2
awk 'NR % 2 == 0 {next} {print}' kv
awk '{print; exit}' kv
awk 'BEGIN {exit 3}'
awk '{getline; print}' kv
awk 'BEGIN {while ((getline line) > 0) n++; print n}' < kv
awk 'BEGIN {printf "%s", "no newline"}'
awk '{printf "%-5s|%5s|\n", $1, $2}' kv
awk 'BEGIN {print int(3.9), int(-3.9), sqrt(16), exp(0), log(1)}'
awk 'BEGIN {n = split("", a); print n}'
awk 'BEGIN {print sprintf("%3d|", 5)}'
awk '{ $5 = "e"; print; print NF }' kv | head -2
ip_line='default via 10.0.0.1 dev eth0'; echo "$ip_line" | awk '{for (i = 1; i <= NF; i++) if ($i == "via") print $(i+1)}'
