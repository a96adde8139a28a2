// CPNG: libpng's simplified API (png_image_*), which keeps libpng's setjmp/longjmp error handling inside libpng
// and reports failures as a return value plus image.message, so no longjmp ever crosses a Swift frame.
// Only what Swift cannot import by itself is wrapped here; the shim can go when Swift imports function-like macros.
#ifndef STYLELAPSE_CPNG_SHIM_H
#define STYLELAPSE_CPNG_SHIM_H

#include <png.h>
#include <string.h>

// PNG_IMAGE_VERSION is a plain integer macro Swift imports, but png_image must be zeroed and versioned before use;
// this keeps that ritual in one place.
static inline png_image CPNG_image_init(void) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    return image;
}

// PNG_IMAGE_SIZE / PNG_IMAGE_ROW_STRIDE are function-like macros (Swift cannot import them): the byte count of a
// buffer for png_image_finish_read with a zero (packed) row stride.
static inline size_t CPNG_image_size(const png_image *image) { return PNG_IMAGE_SIZE(*image); }

// PNG_IMAGE_FAILED is a function-like macro: true when the last call set an error (not just a warning).
static inline int CPNG_image_failed(const png_image *image) { return PNG_IMAGE_FAILED(*image); }

// PNG_FORMAT_RGBA / PNG_FORMAT_RGB are OR-expressions of flag macros, which Swift does not import.
static const png_uint_32 CPNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
static const png_uint_32 CPNG_FORMAT_RGB = PNG_FORMAT_RGB;

#endif
