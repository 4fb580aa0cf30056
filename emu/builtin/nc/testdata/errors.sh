# nc's words for bad command lines and failures (-k, -q and -C at work: nc_test.go).
nc
nc h
nc -c x 1
nc -k 127.0.0.1 1
nc -q x 127.0.0.1 1
nc -q
nc -l
nc 127.0.0.1 0
nc 127.0.0.1 65536
nc 127.0.0.1 x
nc 127.0.0.1 1
nc -v 127.0.0.1 1
nc -zv 127.0.0.1 1
