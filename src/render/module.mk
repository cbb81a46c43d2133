# Renderers: every output form in one place (src/render/render.h): text.c, json.c over the
# streaming JSON writer (json_writer.c).
LIB_SRCS += src/render/render.c src/render/text.c src/render/json.c src/render/json_writer.c
