#!/usr/bin/env bash
# `npm start`: brings up a whole cluster on this machine and shows it working.
#  1. Docker (installed from Debian and started if missing) and the local images;
#  2. `supernetes server` (embedded store, API server, controllers, scheduler, superlet, proxy);
#  3. examples/hello.yaml: a Deployment of three web servers behind a NodePort Service, then
#     requests to it on 127.0.0.1 answered by the different pods.
# The server keeps running in the foreground afterwards; Ctrl-C stops it (the state stays in the
# data directory, and the next start resumes it).
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir="${SUPERNETES_DATA_DIR:-.data/server}"
bash scripts/setup-docker.sh
npm run --silent build

mkdir -p "$data_dir"
log="$data_dir/server.log"
node dist/cmd/supernetes.js server --data-dir "$data_dir" >>"$log" 2>&1 &
server=$!
# However this script ends, the server stops in order (its proxy removes its iptables rules).
stop_server() { if kill -0 $server 2>/dev/null; then kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true; fi; }
trap stop_server EXIT
trap 'exit 130' INT TERM

kubeconfig="$data_dir/kubeconfig.yaml"
superctl() { node dist/cmd/superctl.js --kubeconfig "$kubeconfig" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "waiting for the API server and this machine's node"
for _ in $(seq 1 120); do
  if [ -f "$kubeconfig" ] && superctl wait --for=condition=Ready node --all --timeout=1s >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then echo "supernetes server exited; its log:" >&2; tail -20 "$log" >&2; exit 1; fi
  sleep 1
done
superctl get nodes -o wide

step "applying examples/hello.yaml (a Deployment of 3 web servers and a NodePort Service)"
superctl apply -f examples/hello.yaml
superctl rollout status deployment/hello --timeout=180s
superctl get deployments,pods,services -o wide

step "asking the Service on 127.0.0.1:30080 (SuperProxy spreads requests over the pods)"
for _ in 1 2 3 4 5 6; do
  node -e "fetch('http://127.0.0.1:30080/').then(r => r.text()).then(t => process.stdout.write(t), e => { console.error(e.message); process.exit(1); })"
done

step "the cluster is running"
cat <<MSG
  export KUBECONFIG=$kubeconfig
  node dist/cmd/superctl.js get all          # or kubectl: the same API
  node dist/cmd/superctl.js scale deployment/hello --replicas=5
  node dist/cmd/superctl.js logs -l app=hello
  node dist/cmd/superctl.js delete -f examples/hello.yaml
The server's log is $log.
Ctrl-C stops the server; \`npm start\` again resumes it from $data_dir.
MSG
wait $server
