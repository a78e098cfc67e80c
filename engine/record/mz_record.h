/* mz_record — frames to files: PNG images, Y4M video; and PNGs back to
 * pixels (for tests and golden images).
 *
 * Pixels are RGBA8, rows top to bottom, tightly packed (as mz_frame.rgba).
 * Ownership: mz_record_png_read returns a malloc'd buffer the caller frees;
 * a Y4M writer is created by open and freed by close. Threading: a writer
 * belongs to one thread; the functions themselves share no state.
 * Errors: false / NULL with the message in mz_error(). */
#ifndef MZ_RECORD_H
#define MZ_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Creates a directory and its missing parents (like mkdir -p). */
bool mz_record_make_dir(const char *path);

/* Provenance carried inside a PNG: each tag becomes an iTXt chunk (key:
 * 1..79 Latin-1 characters; value: UTF-8), and source_type, an IPTC
 * DigitalSourceType term (MZ_RECORD_SOURCE_*), becomes an XMP packet with
 * Iptc4xmpExt:DigitalSourceType, which platforms read to label synthetic
 * media. The strings are not copied: they only need to outlive the call.
 * Zero-initialised: no metadata. */
#define MZ_RECORD_SOURCE_ALGORITHMIC "algorithmicMedia"
#define MZ_RECORD_SOURCE_TRAINED "trainedAlgorithmicMedia"
#define MZ_RECORD_MAX_TAGS 16

typedef struct mz_record_tag {
    const char *key, *value;
} mz_record_tag;

typedef struct mz_record_meta {
    mz_record_tag tags[MZ_RECORD_MAX_TAGS];
    int count;
    const char *source_type; /* NULL -> no XMP packet */
} mz_record_meta;

/* Appends a tag; a NULL value or a full list is skipped. */
void mz_record_meta_add(mz_record_meta *meta, const char *key, const char *value);

/* Writes an RGB PNG (alpha dropped: frames are opaque) with meta (NULL: none).
 * Fast compression: recording a playthrough must keep up with the frames. */
bool mz_record_png_write(const char *path, const uint8_t *rgba, uint32_t width, uint32_t height,
                         const mz_record_meta *meta);

/* The same PNG into a malloc'd buffer (*out, *len) the caller frees. */
bool mz_record_png_encode(const uint8_t *rgba, uint32_t width, uint32_t height,
                          const mz_record_meta *meta, uint8_t **out, size_t *len);

/* Reads any PNG as RGBA8. NULL on error. */
uint8_t *mz_record_png_read(const char *path, uint32_t *width, uint32_t *height);

/* SHA-256, for the manifests of recordings and the story's hash. hex gets
 * 64 lowercase digits and a NUL. A hasher is created by begin and freed by
 * end (which may be given NULL after a failed begin). */
typedef struct mz_record_sha256 mz_record_sha256;
mz_record_sha256 *mz_record_sha256_begin(void);
void mz_record_sha256_add(mz_record_sha256 *h, const void *data, size_t len);
/* Adds a file's bytes; false (h unchanged past what was read) if it cannot be read. */
bool mz_record_sha256_add_file(mz_record_sha256 *h, const char *path);
void mz_record_sha256_end(mz_record_sha256 *h, char hex[65]);
/* One file's hash; false if it cannot be read. */
bool mz_record_sha256_file(const char *path, char hex[65]);

typedef struct mz_record_y4m mz_record_y4m;

/* A YUV4MPEG2 (4:2:0, BT.601, full range) stream of width x height at fps;
 * width and height must be even, fps finite and in 0.001..1000000. */
mz_record_y4m *mz_record_y4m_open(const char *path, uint32_t width, uint32_t height, double fps);
bool mz_record_y4m_write(mz_record_y4m *y, const uint8_t *rgba);
/* Flushes and closes; false if anything could not be written. */
bool mz_record_y4m_close(mz_record_y4m *y);

#endif
