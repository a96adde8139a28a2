// FreeType 2: fonts rendered to anti-aliased 8-bit coverage bitmaps (Debian's libfreetype-dev).
#include <ft2build.h>
#include FT_FREETYPE_H

// The glyph slot of a face (a macro-free accessor for Swift).
static inline FT_GlyphSlot CFreeType_glyph(FT_Face face) { return face->glyph; }
