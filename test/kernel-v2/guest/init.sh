#!/bin/sh
# PID 1 of the cgroup v2 lab guest (busybox sh). Runs the experiments of the plan (/plan.sh, written by
# ../vm.ts), copies every cgroup file each experiment left, runs the pod reader script (/reader.sh, the
# constant from src/kube/reader-script.ts) against the real tree, then the node reader script (node_step), and
# writes /out as a tar to /dev/vdb.
# Nothing here is kubelet or containerd: the directory names and limits are what they would create.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
CG=/sys/fs/cgroup
. /plan.sh
log() { read -r up _ < /proc/uptime; echo "v2lab $up $*" > /dev/console; }

for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
  insmod /lib/modules/$m.ko || log "insmod $m failed"
done
i=0
while [ ! -b /dev/vda ] || [ ! -b /dev/vdb ]; do
  i=$((i + 1)); [ $i -le 200 ] || { log "FATAL no virtio disks"; poweroff -f; }
  sleep 0.05
done
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $CG || log "FATAL cgroup2 mount"
mkdir -p /data /out /scratch /tmp
mount -t ext4 -o ro /dev/vda /data || log "FATAL data disk"
echo +memory > $CG/cgroup.subtree_control
read -r _ memtotal _ < /proc/meminfo
{
  echo "kernel=$(uname -r)"
  echo "memtotal_kib=$memtotal"
  echo "controllers=$(cat $CG/cgroup.controllers)"
  echo "thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled)"
  echo "lru_gen=$(cat /sys/kernel/mm/lru_gen/enabled 2>/dev/null)"
} > /out/guest.txt
log "cgroup2 mounted"

# copy one file with shell builtins (cgroup files report size 0, so tar cannot read them; one process per
# file would cost ~1 s per experiment under TCG). A write-only file (memory.reclaim) opens but fails its
# first read: not copied.
cp_file() {
  n=0
  while IFS= read -r l; do n=1; printf '%s\n' "$l"; done < "$1" > "$2" 2>/dev/null
  [ $n = 1 ] || rm -f "$2"
}

# snap_dir <cgroup dir>: copy its memory.* files to /out/$x/cgroup/<path below the root>
snap_dir() {
  rel=${1#$CG}; rel=${rel#/}; d=/out/$x/cgroup${rel:+/$rel}
  mkdir -p "$d"
  for f in "$1"/memory.*; do cp_file "$f" "$d/${f##*/}"; done
  [ -n "$rel" ] || cp_file "$CG/cgroup.controllers" "$d/cgroup.controllers"
}

# tree <driver>: set the kubepods, QoS and pod directories for experiment $x (uid $uid)
tree() {
  if [ "$1" = systemd ]; then
    kp=$CG/kubepods.slice; qos=$kp/kubepods-burstable.slice
    pod=$qos/kubepods-burstable-pod$(echo "$uid" | tr - _).slice; pre=cri-containerd-; suf=.scope
  else
    kp=$CG/kubepods; qos=$kp/burstable; pod=$qos/pod$uid; pre=; suf=
  fi
  for d in $kp $qos $pod; do
    mkdir -p $d; echo +memory > $d/cgroup.subtree_control
  done
  [ "$kubepods_max" = node ] && kubepods_max=$((memtotal * 1024))
  echo "$kubepods_max" > $kp/memory.max
  echo "$pod_max" > $pod/memory.max
}

# scope <id> <memory.max> <memory.oom.group>: a container directory, as the runtime makes it
scope() {
  c=$pod/$pre$1$suf; mkdir -p $c
  echo "$2" > $c/memory.max; echo "$3" > $c/memory.oom.group
}

# run_in <cgroup dir> <oom_score_adj> <command…>: exec the command in the cgroup, with the score the kubelet gives
run_in() { sh -c 'echo $$ > "$1/cgroup.procs" && echo "$2" > /proc/self/oom_score_adj && shift 2 && exec "$@"' run_in "$@"; }

# burstable_adj <request bytes>: the kubelet's oom_score_adj for a Burstable container (pkg/kubelet/qos/policy.go)
burstable_adj() {
  a=$((1000 - 1000 * $1 / (memtotal * 1024)))
  [ $a -lt 2 ] && a=2; [ $a -gt 999 ] && a=999
  echo $a
}

# start_hold <cgroup dir> <MiB> <oom_score_adj>: memhog holding <MiB> in the cgroup, waited for
start_hold() {
  r=/tmp/ready.$$.$2.${1##*/}; : > $r
  run_in "$1" "$3" /bin/memhog hold "$2" > $r &
  while [ ! -s $r ]; do sleep 0.02; done
}

# begin <name> <driver>: load the experiment's plan variables and build its pod with the pause process
begin() {
  x=$1; mkdir -p /out/$x
  eval "uid=\$${x}_uid pause=\$${x}_pause app=\$${x}_app app2=\$${x}_app2 side=\$${x}_side"
  eval "app_max=\$${x}_app_max pod_max=\$${x}_pod_max kubepods_max=\$${x}_kubepods_max group=\$${x}_group"
  eval "app_adj=\$(burstable_adj \$${x}_app_req) side_adj=\$(burstable_adj \$${x}_side_req)"
  tree "$2"
  scope "$pause" max 1; start_hold $c 1 -998
  log "begin $x"
}

# finish: copy every level's files, run the reader, then remove the pod and drop the page cache
finish() {
  for d in $CG $kp $qos $pod $pod/*/; do snap_dir "${d%/}"; done
  script=$(cat /reader.sh)
  sh -c "$script" memwhy-reader once 0 1 $CG burstable "$uid" > /out/$x/reader.txt 2> /out/$x/reader.err
  echo $? > /out/$x/reader.rc
  dmesg > /out/$x/dmesg
  echo 1 > $pod/cgroup.kill; wait
  for d in $pod/*/; do rmdir "$d"; done; rmdir $pod
  echo max > $kp/memory.max
  echo 3 > /proc/sys/vm/drop_caches
  log "end $x"
}

# oom <name> <driver>: the app grows until the kernel kills it, then "restarts" in a new scope
oom() {
  begin "$1" "$2"
  [ -z "$side" ] || { scope "$side" "$side_max" 1; run_in $c $side_adj /bin/sleep 100000 & }
  scope "$app" "$app_max" "$group"
  dmesg -c > /dev/null
  run_in $c $app_adj /bin/memhog grow; echo $? > /out/$x/app.exit
  scope "$app2" "$app_max" "$group"; start_hold $c 1 $app_adj
  finish
}

for x in $experiments; do
  eval "kind=\$${x}_kind driver=\$${x}_driver side_max=\$${x}_side_max"
  case $kind in
    cache)
      begin $x $driver; scope "$app" "$app_max" 1; run_in $c $app_adj /bin/sleep 100000 &
      run_in $c $app_adj /bin/cat /data/random-100MiB.bin > /dev/null
      mkdir -p /out/$x-once; x0=$x; x=$x-once; for d in $CG $kp $qos $pod $pod/*/; do snap_dir "${d%/}"; done
      sh -c "$(cat /reader.sh)" memwhy-reader once 0 1 $CG burstable "$uid" > /out/$x/reader.txt; echo $? > /out/$x/reader.rc
      x=$x0; run_in $c $app_adj /bin/cat /data/random-100MiB.bin > /dev/null
      finish ;;
    anon)
      begin $x $driver; scope "$app" "$app_max" 1; start_hold $c 80 $app_adj; finish ;;
    tmpfs)
      begin $x $driver; scope "$app" "$app_max" 1; run_in $c $app_adj /bin/sleep 100000 &
      mount -t tmpfs -o size=128m tmpfs /scratch
      run_in $c $app_adj /bin/dd if=/dev/zero of=/scratch/fill bs=1M count=64 2> /dev/null
      finish; umount /scratch ;;
    oom) oom $x $driver ;;
  esac
done

# node_step: the node reader on a whole node's tree (systemd driver): a Burstable, a BestEffort and a Guaranteed
# pod (directly under kubepods.slice), a system.slice beside it, each with a holder; the files copied before
# (node-before) and after (node) the node reader script (/node-reader.sh, src/kube/reader-node-script.ts) ran.
node_step() {
  for d in $CG/kubepods/burstable $CG/kubepods/besteffort $CG/kubepods; do [ -d $d ] && rmdir $d; done
  kp=$CG/kubepods.slice; bu=$kp/kubepods-burstable.slice; be=$kp/kubepods-besteffort.slice
  for d in $kp $bu $be; do mkdir -p $d; echo +memory > $d/cgroup.subtree_control; done
  echo $((512 * 1024 * 1024)) > $kp/memory.max
  mkdir -p $CG/system.slice $bu/kubepods-burstable-podnode1.slice $be/kubepods-besteffort-podnode2.slice $kp/kubepods-podnode3.slice
  start_hold $bu/kubepods-burstable-podnode1.slice 24 500
  start_hold $be/kubepods-besteffort-podnode2.slice 12 1000
  start_hold $kp/kubepods-podnode3.slice 16 -997
  start_hold $CG/system.slice 8 0
  x=node-before; mkdir -p /out/$x; for d in $CG $kp $bu $be $CG/system.slice; do snap_dir $d; done
  x=node; mkdir -p /out/$x
  sh -c "$(cat /node-reader.sh)" memwhy-node-reader $CG > /out/$x/node-reader.txt 2> /out/$x/node-reader.err
  echo $? > /out/$x/node-reader.rc
  for d in $CG $kp $bu $be $CG/system.slice; do snap_dir $d; done
  log "node step"
}
node_step

log "writing results"
tar -cf /dev/vdb -C /out . && sync
log "done"
poweroff -f
