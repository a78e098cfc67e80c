# mz_embed_file(TARGET target INPUT file VAR name)
# Embeds a data file in a target at build time: the file stays data in the
# source tree (edited, diffed, loadable at run time) and the binary needs no
# files to find. Generates <name>.h defining
#   static const unsigned char name[]  (the bytes, no NUL added)
# and rebuilds when the file changes.
function(mz_embed_file)
  cmake_parse_arguments(ARG "" "TARGET;INPUT;VAR" "" ${ARGN})
  get_filename_component(abs ${ARG_INPUT} ABSOLUTE)
  set(outdir ${CMAKE_CURRENT_BINARY_DIR}/embed)
  set(out ${outdir}/${ARG_VAR}.h)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${abs} -DOUT=${out} -DVAR=${ARG_VAR}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_header.cmake
    DEPENDS ${abs} ${PROJECT_SOURCE_DIR}/cmake/embed_header.cmake
    COMMENT "embed ${ARG_INPUT}" VERBATIM)
  add_custom_target(${ARG_TARGET}_embed_${ARG_VAR} DEPENDS ${out})
  add_dependencies(${ARG_TARGET} ${ARG_TARGET}_embed_${ARG_VAR})
  target_include_directories(${ARG_TARGET} PRIVATE ${outdir})
endfunction()
