#!/usr/bin/env bash
# Builds the local images the demo and tests use, offline: a static busybox imported as an image.
#   supernetes.local/busybox:latest  - sh, httpd, wget, nc, sleep ... for test pods
#   supernetes.local/busybox:1.0     - the same image under a second tag, for `set image` rollouts
# The superlet builds its own sandbox (pause) image when it is missing.
set -euo pipefail

image=supernetes.local/busybox
if docker image inspect "$image:latest" >/dev/null 2>&1 && docker image inspect "$image:1.0" >/dev/null 2>&1; then
  exit 0
fi

busybox=""
for candidate in /bin/busybox /usr/bin/busybox; do
  if [ -x "$candidate" ] && ! ldd "$candidate" >/dev/null 2>&1; then busybox="$candidate"; break; fi
done
if [ -z "$busybox" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing busybox-static from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends busybox-static >/dev/null 2>&1 || {
      apt-get update -qq && apt-get install -y -qq --no-install-recommends busybox-static >/dev/null; }
    busybox=/bin/busybox
  else
    echo "Building $image needs a static busybox. On Debian run: sudo apt-get install -y busybox-static" >&2
    exit 1
  fi
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/var/www"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$image:latest" >/dev/null
docker tag "$image:latest" "$image:1.0"
echo "built $image:latest and $image:1.0 from $busybox"
