nslookup web
nslookup nosuch
nslookup db 127.0.0.11
nslookup -type=a web
nslookup -type=aaaa web
nslookup -type=ptr 2.0.18.172.in-addr.arpa
nslookup 172.18.0.2
nslookup web nosuchserver
nslookup -type=foo web
nslookup web 127.0.0.1
nslookup
nslookup -x web
nslookup web db extra
