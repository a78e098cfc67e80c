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
#include <stdint.h>

/* Creates a directory and its missing parents (like mkdir -p). */
bool mz_record_make_dir(const char *path);

/* Writes an RGB PNG (alpha dropped: frames are opaque). Fast compression:
 * recording a playthrough must keep up with the frames. */
bool mz_record_png_write(const char *path, const uint8_t *rgba, uint32_t width, uint32_t height);

/* Reads any PNG as RGBA8. NULL on error. */
uint8_t *mz_record_png_read(const char *path, uint32_t *width, uint32_t *height);

typedef struct mz_record_y4m mz_record_y4m;

/* A YUV4MPEG2 (4:2:0, BT.601, full range) stream of width x height at fps;
 * width and height must be even, fps finite and in 0.001..1000000. */
mz_record_y4m *mz_record_y4m_open(const char *path, uint32_t width, uint32_t height, double fps);
bool mz_record_y4m_write(mz_record_y4m *y, const uint8_t *rgba);
/* Flushes and closes; false if anything could not be written. */
bool mz_record_y4m_close(mz_record_y4m *y);

#endif
