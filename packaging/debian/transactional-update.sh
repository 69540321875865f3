#!/bin/sh
# transactional-update: the bundled command line, run by the distribution's Node.js.
exec /usr/bin/node /usr/lib/transactional-update/main.cjs "$@"
