#!/usr/bin/env bash
# Generates the committed test media in origin-stub/media/out/<channel>/.
#
# Run once by developers (needs Debian ffmpeg with libx264 and the DejaVu fonts); streamdrill itself
# only reads the committed output. Per channel: a 16 s loop (750 AAC frames at 48 kHz, 480 video
# frames at 30 fps, so audio and video loops are exactly the same length in media time), CMAF fMP4,
# 2 s segments, H.264 Main (no B-frames, GOP 60, no scene cut) in three 16:9 renditions and one
# AAC-LC mono rendition. normalize-media.ts then renames the files, drops sidx/edts and writes
# media.json with values read back from the files.
#
# Usage: origin-stub/media/make-media.sh            (from anywhere)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/out"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
loop_seconds=16

command -v ffmpeg >/dev/null || { echo "make-media: ffmpeg not found (apt-get install ffmpeg)" >&2; exit 1; }
[ -f "$font" ] || { echo "make-media: font $font not found (apt-get install fonts-dejavu-core)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# channel | video source (lavfi) | tone frequency (Hz)
channels=(
  "news|smptehdbars=size=768x432:rate=30,drawbox=x='mod(t*120\\,688)':y=300:w=80:h=80:color=yellow@1:t=fill|440"
  "sport|testsrc2=size=768x432:rate=30|660"
)

make_channel() {
  local name="$1" source="$2" tone="$3"
  local label
  label="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  local dir="$work/$name"
  mkdir -p "$dir"
  echo "make-media: encoding $name" >&2
  # Audio: -frames:a 750 makes the AAC track exactly 750 x 1024 samples = 16 s including the encoder
  # priming frame, so the audio loop length equals the video loop length.
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$source,drawtext=fontfile=$font:text='$label %{pts\\:hms}':fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:x=20:y=20" \
    -f lavfi -i "sine=frequency=$tone:sample_rate=48000:beep_factor=4" \
    -filter_complex "[0:v]split=3[a][b][c];[a]scale=384:216,setsar=1[v0];[b]scale=640:360,setsar=1[v1];[c]setsar=1[v2]" \
    -map "[v0]" -map "[v1]" -map "[v2]" -map 1:a -t "$loop_seconds" -frames:a 750 \
    -c:v libx264 -profile:v main -bf 0 -g 60 -keyint_min 60 -sc_threshold 0 -preset medium \
    -x264-params "scenecut=0:open_gop=0" \
    -b:v:0 150k -maxrate:v:0 150k -bufsize:v:0 300k \
    -b:v:1 300k -maxrate:v:1 300k -bufsize:v:1 600k \
    -b:v:2 600k -maxrate:v:2 600k -bufsize:v:2 1200k \
    -c:a aac -b:a 48k -ac 1 -ar 48000 \
    -f dash -seg_duration 2 -use_template 1 -use_timeline 1 \
    -adaptation_sets "id=0,streams=v id=1,streams=a" \
    -init_seg_name 'init-$RepresentationID$.m4s' \
    -media_seg_name 'seg-$RepresentationID$-$Number%03d$.m4s' \
    "$dir/ffmpeg.mpd"
  # Representation ids 0..3 follow the -map order above.
  (cd "$repo" && npx --no-install tsx origin-stub/media/normalize-media.ts \
    --input "$dir" --output "$out/$name" --channel "$name" \
    --renditions "216p,360p,432p,audio" --loop-seconds "$loop_seconds")
}

rm -rf "$out"
mkdir -p "$out"
for entry in "${channels[@]}"; do
  IFS='|' read -r name source tone <<<"$entry"
  make_channel "$name" "$source" "$tone"
done
du -sh "$out"/* >&2
du -sh "$out" >&2
