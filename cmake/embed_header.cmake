# cmake -DIN=file -DOUT=header.h -DVAR=name -P embed_header.cmake
# Writes IN's bytes as `static const unsigned char VAR[]`, 16 to a line.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
if(n EQUAL 0)
  message(FATAL_ERROR "${IN} is empty")
endif()
string(REGEX REPLACE "(..)" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
get_filename_component(name ${IN} NAME)
file(WRITE ${OUT}.tmp "/* Generated from ${name} by cmake/embed_header.cmake: edit the data file. */\n"
  "static const unsigned char ${VAR}[] = {\n${bytes}\n};\n")
file(RENAME ${OUT}.tmp ${OUT})
