#!/bin/bash
# Records what mawk 1.3.4 (Debian's awk) prints for the scripts here (NAME.sh -> NAME.real);
# see ../../internal/texttest/record.sh.
cd "$(dirname "$0")" && exec ../../internal/texttest/record.sh "$@"
