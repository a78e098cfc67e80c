# mz_add_shaders(TARGET name SOURCES a.comp b.frag ...)
# Compiles GLSL to SPIR-V at build time and embeds it as C arrays, so the binary
# needs no shader files at run time. Each shader foo.comp becomes a header
# <target>/foo_comp.h defining `static const uint32_t foo_comp[]`.
function(mz_add_shaders)
  cmake_parse_arguments(ARG "" "TARGET" "SOURCES" ${ARGN})
  set(outdir ${CMAKE_CURRENT_BINARY_DIR}/spirv)
  file(MAKE_DIRECTORY ${outdir})
  set(headers)
  foreach(src ${ARG_SOURCES})
    get_filename_component(abs ${src} ABSOLUTE)
    get_filename_component(name ${src} NAME)
    string(REPLACE "." "_" var ${name})
    set(out ${outdir}/${var}.h)
    add_custom_command(OUTPUT ${out}
      COMMAND Vulkan::glslc -O --target-env=vulkan1.1 -mfmt=c -MD -MF ${out}.d
              -I ${PROJECT_SOURCE_DIR}/assets/shaders -o ${out}.inc ${abs}
      COMMAND ${CMAKE_COMMAND} -DIN=${out}.inc -DOUT=${out} -DVAR=${var}
              -P ${PROJECT_SOURCE_DIR}/cmake/spirv_header.cmake
      DEPENDS ${abs} ${PROJECT_SOURCE_DIR}/cmake/spirv_header.cmake
      DEPFILE ${out}.d
      COMMENT "glslc ${name}" VERBATIM)
    list(APPEND headers ${out})
  endforeach()
  add_custom_target(${ARG_TARGET}_spirv DEPENDS ${headers})
  add_dependencies(${ARG_TARGET} ${ARG_TARGET}_spirv)
  target_include_directories(${ARG_TARGET} PRIVATE ${outdir})
endfunction()
