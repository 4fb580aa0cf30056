# GNU coreutils 9.1: the file tools on the same tree.
mkdir d
mkdir d
mkdir -p d/e/f
mkdir a/b
mkdir -v g
mkdir
echo x > d/file; echo yy > d/e/g; touch .hidden
ls
ls -a
ls -A
ls d
ls -R d
ls -d d
ls -1 d d/e
ls d/file nosuch
ls -F d
ls -p d
ls -l d | cut -d' ' -f1,2
ls -r d
ls -S d
ls -y
touch t
touch a/b/c
ls t
cp t t2
cp nosuch x
cp
cp t
cp d x
cp -r d d2 && ls -R d2
cp t t2 d
ls d
cp t t2 nodir
cp -v t t3
cp t t
cp -r d d/sub
mv t3 t4 && ls t3 t4
mv nosuch x
mv t4 d && ls d/t4
mv d d/e
mv
rm t2
rm nosuch
rm -f nosuch
rm d
rm -r d2 && ls d2
rm -rv g
rm -d d/e
rm
rm -r .
rmdir nosuch
rmdir d
basename /usr/lib/x.so .so
basename /usr/lib/
basename -a /a/b /c/d
basename -s .c a.c b.c
basename /
basename
basename a b c
dirname /usr/lib/x.so
dirname x
dirname /x
dirname a/b/ c
dirname
