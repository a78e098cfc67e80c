# mz_add_shaders(TARGET name SOURCES a.comp b.frag ...)
# Compiles GLSL to SPIR-V at build time and embeds it as C arrays, so the binary
# needs no shader files at run time. Each shader foo.comp becomes a header
# <target>/foo_comp.h defining `static const uint32_t foo_comp[]`.
# Shaders may #include "scene_enums.glsl": engine/core/mz_scene.h's numbers
# (settings, subject kinds, poses, places), generated from that header.
include(${CMAKE_CURRENT_LIST_DIR}/glsl_enums.cmake)
set(MZ_GLSL_GENERATED ${CMAKE_BINARY_DIR}/glsl)
mz_glsl_enums(OUT ${MZ_GLSL_GENERATED}/scene_enums.glsl
  HEADER ${CMAKE_SOURCE_DIR}/engine/core/mz_scene.h
  ENUMS mz_setting mz_subject_kind mz_pose mz_place
  DEFINES MZ_SCENE_MAX_SUBJECTS)

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
              -I ${PROJECT_SOURCE_DIR}/assets/shaders -I ${MZ_GLSL_GENERATED} -o ${out}.inc ${abs}
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
