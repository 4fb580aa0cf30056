# ss's refusals: options, filters, states, namespaces.
ss -Q
ss --bogus
ss --in
ss -tn dst
ss -tn dport = :foo
ss -tn state bogus
ss -tn state
ss -tn dst 1.2.3.4/33
ss -tn dst abc
ss -tn 'sport = :80 )'
ss -tn '( sport = :80'
ss -tn dst != 1.2.3.4
ss -tn and dport = :80
ss -N nope -t
ss -f bogus
ss -A bogus
ss -A
ss -V
ss --vers
ss -tn sport = :http
ss -tn dport = :65536
ss -tn dport = :-1
