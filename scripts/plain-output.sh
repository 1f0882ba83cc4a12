#!/usr/bin/env bash
# A filter: copies its input to its output without ANSI escape codes. Maven 3.8 prints some (e.g.
# ESC[0m) even in batch mode; the demo and the samples pass their output through this when it does
# not go to a terminal, so logs and files stay plain text.
exec sed -u $'s/\x1b\\[[0-9;?]*[A-Za-z]//g'
