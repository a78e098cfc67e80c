# mz_text: viewer text — sanitising, moderation, free-text matching. Plain C
# with no Lua, so it is tested (and usable) without a story.
add_library(mz_text STATIC
  ${CMAKE_CURRENT_LIST_DIR}/text_sanitize.c
  ${CMAKE_CURRENT_LIST_DIR}/text_fold.c
  ${CMAKE_CURRENT_LIST_DIR}/text_lexicon.c
  ${CMAKE_CURRENT_LIST_DIR}/text_match.c)
target_include_directories(mz_text PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(mz_text PRIVATE mz_flags mz_core)
