#!/bin/sh
# Test exec credential plugin that fails: what it writes to stderr may hold secrets (as real plugins' do), so
# memwhy passes it through once, as kubectl does, and never repeats it in its own error.
printf 'refreshing token for client_secret=%s\n' "$1" >&2
printf 'error: the identity provider refused the refresh\n' >&2
exit 1
