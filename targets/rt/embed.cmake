# cmake -DIN=file -DOUT=file.h -DNAME=sym -P embed.cmake: the bytes of IN as
# `static const char NAME[]`, NUL-terminated.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* generated from ${IN} by embed.cmake */\nstatic const char ${NAME}[] = {\n${body}0x00 };\n")
