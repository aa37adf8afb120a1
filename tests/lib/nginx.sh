# A real nginx with WebDAV as the team's cache server, for the shell tests
# (the same configuration as tests/unit/test_cache_server.h).  Source it
# after tests/lib/cli.sh, then:
#
#   nginx_require           exit 77 with the reason unless nginx (with the
#                           WebDAV module) and openssl are installed
#   nginx_start [PREFIX]    start nginx on a free 127.0.0.1 port with its
#                           conf, logs and data under PREFIX (default
#                           $T_DIR/nginx); sets NGINX_URL (http://127.0.0.1:
#                           PORT), NGINX_ROOT (the served folder), NGINX_PID;
#                           returns 1 (after printing nginx's error log)
#                           when it does not come up within a few tries
#   nginx_stop              stop it now (SIGTERM, then wait)
#
# Locations: /  open, PUT and DELETE, JSON autoindex (for `accc cache pull`);
# /team/ the same behind basic auth, user "alice", password $NGINX_PASSWORD.
# nginx runs in the foreground under `timeout`, so that it cannot outlive a
# killed test by more than NGINX_LIFETIME seconds (default 900), and is
# stopped when the test exits.

NGINX_BIN=
NGINX_URL=
NGINX_ROOT=
NGINX_PID=
NGINX_PASSWORD=pa55word-e2e
: "${NGINX_LIFETIME:=900}"

nginx_require() {
	local p
	for p in /usr/sbin/nginx /usr/local/sbin/nginx /usr/bin/nginx $(command -v nginx 2>/dev/null); do
		[ -x "$p" ] && { NGINX_BIN=$p; break; }
	done
	[ -n "$NGINX_BIN" ] || skip "nginx not installed (Debian package 'nginx')"
	"$NGINX_BIN" -V 2>&1 | grep -q http_dav_module ||
		skip "$NGINX_BIN lacks the WebDAV module (install Debian 'nginx')"
	command -v openssl >/dev/null || skip "openssl not found (Debian package 'openssl')"
	command -v python3 >/dev/null || skip "python3 not found (it picks a free port)"
}

# A port nobody listens on now (the kernel's pick for port 0).
nginx__free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

nginx__port_open() {
	python3 -c 'import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
except OSError:
    sys.exit(1)' "$1"
}

nginx__conf() {
	local top=$1 port=$2
	cat <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $top/logs/error.log;
pid $top/logs/nginx.pid;
events { worker_connections 64; }
http {
 access_log $top/logs/access.log;
 client_body_temp_path $top/tmp/body;
 proxy_temp_path $top/tmp/proxy;
 fastcgi_temp_path $top/tmp/fcgi;
 uwsgi_temp_path $top/tmp/uwsgi;
 scgi_temp_path $top/tmp/scgi;
 server {
  listen 127.0.0.1:$port;
  root $top/data;
  client_max_body_size 64m;
  location / { dav_methods PUT DELETE; create_full_put_path on;
   dav_access user:rw group:r all:r; autoindex on; autoindex_format json; }
  location /team/ { auth_basic "accc"; auth_basic_user_file $top/htpasswd;
   dav_methods PUT DELETE; create_full_put_path on;
   autoindex on; autoindex_format json; }
 }
}
EOF
}

nginx_stop() {
	if [ -n "$NGINX_PID" ]; then
		kill "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=
	fi
}

nginx_start() {
	local top=${1:-$T_DIR/nginx} port attempt i d
	[ -n "$NGINX_BIN" ] || nginx_require
	nginx_stop
	for d in conf data logs tmp; do
		mkdir -p "$top/$d" || return 1
	done
	# the password through a file: a command line is visible in ps
	printf '%s\n' "$NGINX_PASSWORD" > "$top/pw"
	printf 'alice:%s\n' "$(openssl passwd -apr1 -in "$top/pw")" > "$top/htpasswd" || return 1
	for attempt in 1 2 3 4 5; do
		port=$(nginx__free_port) || return 1
		nginx__conf "$top" "$port" > "$top/conf/nginx.conf"
		timeout -s TERM -k 5 "$NGINX_LIFETIME" "$NGINX_BIN" -p "$top" \
			-c "$top/conf/nginx.conf" -e "$top/logs/error.log" \
			</dev/null >/dev/null 2>>"$top/logs/stderr" &
		NGINX_PID=$!
		# bounds a hung start only: the loop ends when the port opens
		# or nginx exits, so a loaded machine only waits longer
		for i in $(seq 600); do
			nginx__port_open "$port" && break
			kill -0 "$NGINX_PID" 2>/dev/null || break
			sleep 0.1
		done
		if nginx__port_open "$port"; then
			NGINX_URL=http://127.0.0.1:$port
			NGINX_ROOT=$top/data
			return 0
		fi
		nginx_stop # the port was taken meanwhile, or nginx failed: again
	done
	echo "nginx did not start:" >&2
	cat "$top/logs/error.log" "$top/logs/stderr" 2>/dev/null | tail -20 >&2
	return 1
}

# Stop nginx whatever way the test ends, keeping the EXIT trap already set
# (cli.sh's removes T_DIR); a signal ends the test through that trap too.
nginx__prev_trap=$(trap -p EXIT)
if [ -n "$nginx__prev_trap" ]; then
	eval "set -- $nginx__prev_trap"
	trap "nginx_stop; $3" EXIT
	set --
else
	trap nginx_stop EXIT
fi
trap 'exit 143' TERM
trap 'exit 130' INT
