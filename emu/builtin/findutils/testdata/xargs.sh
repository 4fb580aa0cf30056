# GNU findutils 4.9.0 xargs, running commands nsemu has built in.
printf 'a b\nc\n' | xargs
printf 'a b\nc\n' | xargs -n1
printf 'a b\nc\n' | xargs -n 2 echo x
printf 'a b\nc d e\n' | xargs -L1 echo x
printf 'a b \nc\nd\n' | xargs -L1 echo x
printf 'a b\nc\n' | xargs -I{} echo '[{}]'
printf '  lead and trail  \n' | xargs -I % echo '<%>'
printf 'x\n' | xargs -I % sh -c 'echo %; echo %'
printf "it's\n" | xargs
printf 'a "b\n' | xargs
printf 'a\n' | xargs nosuchcmd
printf 'a\n' | xargs cd
printf '' | xargs echo hi
printf '' | xargs -r echo hi
printf 'a b' | xargs -t echo
printf 'a b c d\n' | xargs -n2 -t echo
printf '1\n2\n' | xargs -n1 test 2 -eq
printf '1\n' | xargs sh -c 'exit 255'
printf 'a\0b c\0' | xargs -0 -n1 echo
printf 'a:b:c' | xargs -d: -n1
printf 'a\tb\n' | xargs -d '\t' -n1
printf '"a b" c\\ d '"'"'e f'"'"'\n' | xargs -n1
printf 'a b STOP c\n' | xargs -E STOP
printf 'a\n' | xargs -n 0
printf 'a\n' | xargs -L x
printf 'a\n' | xargs -k
printf 'x y\n' > args; xargs -a args echo got
xargs -a nosuch echo
printf '3\n1\n2\n' | xargs -n1 | sort
printf 'one\ntwo\n' | xargs -I{} grep -c o - 
printf 'f1\nf2\n' | xargs touch && ls f1 f2
printf 'f1 f2\n' | xargs rm && ls
printf 'a\n' | xargs printf '%s!\n'
printf 'a\n' | xargs true
printf 'a\n' | xargs false
