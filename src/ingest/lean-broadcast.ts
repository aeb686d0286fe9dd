import type BroadcastServer from "node-media-server/src/server/broadcast_server.js";
import type { AVPacket } from "node-media-server/src/core/avpacket.js";

const TYPE_AUDIO = 8;
const TYPE_VIDEO = 9;
/** node-media-server's AVPacket flags: 1 audio frame, 3 video keyframe, 4 video inter frame. */
const FLAG_AUDIO_FRAME = 1;
const FLAG_KEYFRAME = 3;
const FLAG_INTER_FRAME = 4;

/**
 * Hands one publisher's packets to its node-media-server broadcast without the work nobody needs.
 * BroadcastServer.broadcastMessage builds an FLV tag and an RTMP message (two copies) of every
 * packet and keeps a GOP of each, player or not; in livesnap the only player is capture's
 * token read, usually absent. So:
 * - with no player, media frames are not handed over at all and no GOP is kept; sequence
 *   headers, metadata and everything else still are, so a player joining later gets them;
 * - a player that joined while no GOP was kept starts at the next keyframe (inter frames before
 *   it cannot be decoded), unless the stream has shown no keyframe yet;
 * - the FLV GOP is never kept: livesnap serves no HTTP-FLV player.
 */
export class LeanBroadcast {
  private keyframeSeen = false;

  relay(broadcast: BroadcastServer, packet: AVPacket): void {
    const type = packet.codec_type;
    const flags = packet.flags;
    const frame = (type === TYPE_AUDIO || type === TYPE_VIDEO) && (flags === FLAG_AUDIO_FRAME || flags === FLAG_KEYFRAME || flags === FLAG_INTER_FRAME);
    if (!frame) {
      broadcast.broadcastMessage(packet);
      broadcast.flvGopCache = null;
      return;
    }
    if (flags === FLAG_KEYFRAME && type === TYPE_VIDEO) this.keyframeSeen = true;
    const idle = broadcast.subscribers.size === 0;
    const waitingForKeyframe = broadcast.rtmpGopCache === null && type === TYPE_VIDEO && flags === FLAG_INTER_FRAME && this.keyframeSeen;
    if (idle || waitingForKeyframe) {
      if (idle) broadcast.rtmpGopCache = null;
      broadcast.flvGopCache = null;
      // What broadcastMessage would have recorded: a resumed publish continues from here.
      broadcast._lastDts[type] = packet.dts + (broadcast._dtsOffset[type] ?? 0);
      return;
    }
    broadcast.broadcastMessage(packet);
    broadcast.flvGopCache = null;
  }
}
