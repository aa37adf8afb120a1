#!/usr/bin/env bash
# The README's nginx configuration, taken from README.md as written, served
# by a real nginx: `accc cache push` (with the credentials) and `accc cache
# pull` (which needs a listing) both work against it.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/nginx.sh"
nginx_require

# the README's server block, with this test's port, folder and password file
readme_server() {
	awk '/^```nginx$/ { f = 1; next } f && /^```$/ { exit } f' "$ACCC_SRC/README.md" |
		sed -e "s|listen 8080;|listen 127.0.0.1:$2;|" -e "s|root /srv/accc;|root $1/data;|" \
		    -e "s|/etc/nginx/accc.htpasswd|$1/htpasswd|"
}
readme_server /t 1 > block.conf
check_grep "the README has an nginx server block" "^server {" block.conf
check_grep "...whose listen line the test can replace" "listen 127.0.0.1:1;" block.conf
nginx__conf() {
	cat <<EOC
daemon off;
master_process off;
worker_processes 1;
error_log $1/logs/error.log;
pid $1/logs/nginx.pid;
events { worker_connections 64; }
http {
 access_log $1/logs/access.log;
 client_body_temp_path $1/tmp/body;
 proxy_temp_path $1/tmp/proxy;
 fastcgi_temp_path $1/tmp/fcgi;
 uwsgi_temp_path $1/tmp/uwsgi;
 scgi_temp_path $1/tmp/scgi;
$(readme_server "$1" "$2")
}
EOC
}
nginx_start || { bad "nginx runs the README's configuration"; finish; exit 1; }
trap 'nginx_stop; rm -rf "$T_DIR"' EXIT

# one entry: a kernel searched for 0 iterations stores its original
printf '#pragma autocomp inout(a[n]) args(n=64)\nvoid k(int n, float *a) { for (int i = 0; i < n; i++) a[i] += 1; }\n' > k.c
export ACCC_DIR=$T_DIR/a
ACCC_ITERATIONS=0 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "a local entry to share" "$("$ACCC" cache list | grep -c ' k ')" 1
export ACCC_REMOTE=$NGINX_URL ACCC_REMOTE_USER=alice ACCC_REMOTE_PASSWORD=$NGINX_PASSWORD
run_cap push "$ACCC" cache push
check_eq "push to the README's nginx succeeds" "$(cat push.rc)" 0
check_grep "...and pushes the entry" "pushed 1 entr" push.out
# a teammate reads without credentials, and pulls the whole server
unset ACCC_REMOTE_USER ACCC_REMOTE_PASSWORD
export ACCC_DIR=$T_DIR/b
run_cap pull "$ACCC" cache pull
check_eq "pull from the README's nginx succeeds" "$(cat pull.rc)" 0
check_grep "...and gets the entry" "^pulled 1 entr" pull.out
check_eq "...now in the local cache" "$("$ACCC" cache list | grep -c ' k ')" 1
finish
