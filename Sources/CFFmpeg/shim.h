// CFFmpeg: libavformat, libavcodec, libavutil and libswscale for decoding images and encoding the MP4 timelapse.
// FFmpeg spells several constants as function-like or compound macros that Swift cannot import; each wrapper below
// exists for one of them. The shim can shrink if FFmpeg ever exports these as enum constants.
#ifndef STYLELAPSE_CFFMPEG_SHIM_H
#define STYLELAPSE_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libswscale/swscale.h>
#include <errno.h>

// AVERROR(e) is a function-like macro (negated errno): EAGAIN is normal control flow in send/receive loops.
static inline int CFFmpeg_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }

// AVERROR_EOF is built with FFERRTAG, a function-like macro, so Swift sees no constant.
static inline int CFFmpeg_AVERROR_EOF(void) { return AVERROR_EOF; }

// AV_NOPTS_VALUE is an unsigned constant cast to int64_t, which Swift does not import.
static inline int64_t CFFmpeg_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }

// av_err2str is a macro around a compound literal; this is the same call with a caller-owned buffer.
static inline void CFFmpeg_strerror(int code, char *buffer, size_t size) { av_strerror(code, buffer, size); }

// sws_getCoefficients returns const int*; SWS_CS_ITU709 is a plain macro Swift imports, but the pairing of matrix
// and range for sws_setColorspaceDetails is kept here so the encoder's YUV matrix and its colour tags agree.
static inline int CFFmpeg_set_bt709(struct SwsContext *ctx, int srcFullRange, int dstFullRange) {
    const int *table = sws_getCoefficients(SWS_CS_ITU709);
    return sws_setColorspaceDetails(ctx, table, srcFullRange, table, dstFullRange, 0, 1 << 16, 1 << 16);
}

// JPEG (JFIF) wants full-range BT.601 YCbCr; the same pairing kept in one place as for the video's BT.709.
static inline int CFFmpeg_set_jfif(struct SwsContext *ctx) {
    const int *table = sws_getCoefficients(SWS_CS_ITU601);
    return sws_setColorspaceDetails(ctx, table, 1, table, 1, 0, 1 << 16, 1 << 16);
}

#endif
