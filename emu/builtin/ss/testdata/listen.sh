# ss on listeners and connections of nc, python3 -m http.server and a UDP
# nc: the columns, -p's programs, the filters, the summary.
ip link set lo up
tail -f /dev/null | nc -l -p 9000 >/dev/null &  # nsemu: a job's notice
nc -l -p 7000 >/dev/null &  # nsemu: a job's notice
python3 -m http.server 8000 >/dev/null 2>&1 &  # nsemu: a job's notice
nc -u -l -p 5353 >/dev/null &  # nsemu: a job's notice
until [ "$(ss -Htuln | wc -l)" = 4 ]; do sleep 0.1; done
ss -tln
ss -tlnp
ss -tulpn
ss -ulpn
ss -ul
ss -tl
ss -ta
ss -4tln
ss -ltn -H
ss -tlne
ss -s
ss -t
ss -u
ss -x
ss -w
ss -lntp sport = :9000
ss -lnt '( sport = :9000 or sport = :8000 )'
ss -lnt sport gt :8000
ss -lnt 'sport >= :8000 and sport <= :9000'
ss -lnt not sport = :9000
ss -ln state listening
ss -lnt src 0.0.0.0
ss -lnt src 127.0.0.1
ss -tn state established
ss exclude all
tail -f /dev/null | nc 127.0.0.1 9000 >/dev/null &  # nsemu: a job's notice
until ss -Htnp | grep -q 'fd=4'; do sleep 0.1; done
ss -tn
ss -tnp
ss -tanp
ss -t state established
ss -tn state connected
ss -tn state synchronized
ss -tn '( dport = :9000 or sport = :9000 )'
ss -tn dst 127.0.0.1
ss -tn src 127.0.0.0/8 and dport = :9000
ss -tn dport != :9000
ss -tn autobound
ss -tno
ss -s
kill %1 %2 %3 %4 %5 %6; wait  # nsemu: ends the jobs
