# A DNS server answering as nsemu's (and Docker's) embedded one: A records
# for the names given, NXDOMAIN for other names, NOERROR without answers
# for other types of a known name.
import socket, struct, sys
names = {"web": "172.18.0.2", "db": "172.18.0.3"}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
while True:
    q, peer = s.recvfrom(1500)
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    i = 12; labels = []
    while q[i]:
        labels.append(q[i+1:i+1+q[i]].decode()); i += 1 + q[i]
    qtype, qclass = struct.unpack("!HH", q[i+1:i+5])
    question = q[12:i+5]
    name = ".".join(labels).lower()
    rd = flags & 0x0100
    if name not in names:
        hdr = struct.pack("!HHHHHH", qid, 0x8080 | rd | 3, 1, 0, 0, 0)
        s.sendto(hdr + question, peer); continue
    ans = b""
    if qtype == 1 and qclass == 1:
        ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 600, 4) + socket.inet_aton(names[name])
    hdr = struct.pack("!HHHHHH", qid, 0x8080 | rd, 1, 1 if ans else 0, 0, 0)
    s.sendto(hdr + question + ans, peer)
