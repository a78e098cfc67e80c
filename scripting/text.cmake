# mz_text: viewer text — sanitising, moderation, free-text matching. Plain C
# with no Lua, so it is tested (and usable) without a story.
add_library(mz_text STATIC
  ${CMAKE_CURRENT_LIST_DIR}/text_sanitize.c
  ${CMAKE_CURRENT_LIST_DIR}/text_char.c
  ${CMAKE_CURRENT_LIST_DIR}/text_fold.c
  ${CMAKE_CURRENT_LIST_DIR}/text_lexicon.c
  ${CMAKE_CURRENT_LIST_DIR}/text_match.c
  ${CMAKE_CURRENT_LIST_DIR}/text_lang.c
  ${CMAKE_CURRENT_LIST_DIR}/text_guess.c
  ${CMAKE_CURRENT_LIST_DIR}/text_skeleton.c
  ${CMAKE_CURRENT_LIST_DIR}/text_screen.c)
target_include_directories(mz_text PUBLIC ${CMAKE_CURRENT_LIST_DIR})
# Snowball stemmers for languages other than English (libstemmer-dev).
find_library(STEMMER_LIBRARY stemmer REQUIRED)
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
target_include_directories(mz_text PRIVATE ${STEMMER_INCLUDE_DIR})
target_link_libraries(mz_text PRIVATE mz_flags mz_core ${STEMMER_LIBRARY})
