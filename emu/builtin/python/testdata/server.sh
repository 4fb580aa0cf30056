# python3 -m http.server: the startup line, a directory listing, files, a
# redirect, errors, HEAD, and the access log.
mkdir -p /tmp/www/sub && echo hello > /tmp/www/a.txt && echo '<b>x</b>' > '/tmp/www/b&c.html' && echo '{}' > /tmp/www/sub/d.json
bash -c 'python3 -u -m http.server -d /tmp/www 8000 > /tmp/py.out 2> /tmp/py.err & until curl -s -o /dev/null 127.0.0.1:8000/a.txt; do sleep 0.1; done; for p in / /a.txt /nope /sub /sub/ /b%26c.html /a.txt/ "/sub?x=1"; do curl -s -i "127.0.0.1:8000$p"; echo; done; curl -s -i -X POST 127.0.0.1:8000/; curl -s -I 127.0.0.1:8000/sub/d.json; kill %1; wait; head -1 /tmp/py.out; cat /tmp/py.err'
bash -c 'python3 -u -m http.server --bind 127.0.0.1 8001 > /tmp/py.out 2> /dev/null & until curl -s -o /dev/null 127.0.0.1:8001/; do sleep 0.1; done; kill %1; wait; cat /tmp/py.out'
bash -c 'python3 -m http.server 8003 > /dev/null 2>&1 & until curl -s -o /dev/null 127.0.0.1:8003/; do sleep 0.1; done; python3 -m http.server 8003; kill %1; wait'
python3 -m http.server --bind 192.0.2.1 8002
python3 -m SimpleHTTPServer
python3 -m http.server x
python3 -m http.server --foo
python3 -m http.server -b
python3 -m http.server 1 2
python3 -m
rm -rf /tmp/www /tmp/py.out /tmp/py.err
