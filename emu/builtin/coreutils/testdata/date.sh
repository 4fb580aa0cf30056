# GNU coreutils 9.1 date, on fixed times (-d): the formats.
date -u -d @0
date -u -d @1700000000
date -u -R -d @1700000000
date -u -I -d @1700000000
date -u -Iseconds -d @1700000000
date -u -Iminutes -d @1700000000
date -u -Ins -d @1700000000.5
date -u -d @1700000000 +%s
date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S'
date -u -d @1700000000 +%F_%T_%D_%R_%r
date -u -d @1700000000 +%a_%A_%b_%B_%h_%p_%P_%Z_%z_%:z_%::z
date -u -d @1700000000 +%C_%y_%j_%u_%w_%U_%W_%V_%G_%g_%e_%k_%l_%I
date -u -d @0 +%s%N_%e_%-d_%_H_%j_%U_%Z_%z_%:z_%P
date -u -d @1700000000 +%-m/%-d_%_m_%05d_%^a_%10A_%%_%n%t.
date -u -d @1700000000 +%c
date -u -d @1700000000 '+%Q %'
date -u -d '2024-01-02 03:04:05'
date -u -d 2024-02-29 +%j
date -u -d @x
date -u -d @0 +%s extra
