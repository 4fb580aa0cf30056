#!/bin/bash
# Records what GNU findutils 4.9.0 (xargs) prints for the scripts here (NAME.sh -> NAME.real);
# see ../../internal/texttest/record.sh.
cd "$(dirname "$0")" && exec ../../internal/texttest/record.sh "$@"
