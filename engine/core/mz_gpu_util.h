/* mz_gpu_util — the Vulkan plumbing every user of mz_gpu repeats: host
 * buffers, device images, shader modules, a one-attachment render pass, a
 * fullscreen-triangle pipeline and image layout barriers. One place for each,
 * so the procedural generator and the display renderer make them alike.
 *
 * Errors: every function returning bool or a handle reports its failure with
 * mz_fail() ("gpu: <call> failed (VkResult n)") and returns false / NULL.
 * Ownership: what a function creates is the caller's, to destroy with the
 * matching *_destroy (or vkDestroy*) before the mz_gpu. */
#ifndef MZ_GPU_UTIL_H
#define MZ_GPU_UTIL_H

#include "mz_gpu.h"

#include <stdbool.h>
#include <stddef.h>

/* true when r is VK_SUCCESS; otherwise mz_fail("gpu: <what> failed (VkResult n)"). */
bool mz_gpu_check(VkResult r, const char *what);

/* A host-visible buffer, mapped for its whole life. Zero-initialised means
 * "none"; destroying one twice is harmless. */
typedef struct mz_gpu_buffer {
    VkBuffer buffer;
    VkDeviceMemory memory;
    void *map;
    VkDeviceSize size;
    bool coherent; /* false: invalidate before reading what the device wrote */
} mz_gpu_buffer;

/* Memory with all of `want` (e.g. HOST_CACHED for fast readback), falling
 * back to HOST_VISIBLE|HOST_COHERENT. On failure b is left empty. */
bool mz_gpu_buffer_create(mz_gpu *gpu, mz_gpu_buffer *b, VkDeviceSize size,
                          VkBufferUsageFlags usage, VkMemoryPropertyFlags want, const char *name);
void mz_gpu_buffer_destroy(mz_gpu *gpu, mz_gpu_buffer *b); /* frees and unmaps */

/* A 2D device-local image, optimal tiling, one mip level, in layout
 * UNDEFINED. It gets a view when it is drawn to or sampled (usage has
 * COLOR_ATTACHMENT or SAMPLED). Zero-initialised means "none". */
typedef struct mz_gpu_image {
    VkImage image;
    VkDeviceMemory memory;
    VkImageView view;
    uint32_t width, height;
} mz_gpu_image;

/* On failure im is left empty. `name` may be NULL. */
bool mz_gpu_image_create(mz_gpu *gpu, mz_gpu_image *im, uint32_t width, uint32_t height,
                         VkFormat format, VkImageUsageFlags usage, const char *name);
void mz_gpu_image_destroy(mz_gpu *gpu, mz_gpu_image *im);

/* A 2D colour view of all of `image` (also for swapchain images). */
bool mz_gpu_image_view(mz_gpu *gpu, VkImage image, VkFormat format, VkImageView *out);

/* A shader module from embedded SPIR-V (`bytes` long); VK_NULL_HANDLE on failure. */
VkShaderModule mz_gpu_shader_module(mz_gpu *gpu, const uint32_t *code, size_t bytes);

/* A render pass with one colour attachment whose render area is fully
 * overwritten (loadOp DONT_CARE), taken from `initial_layout` (UNDEFINED
 * discards the old contents; another layout keeps what lies outside the
 * render area) to `final_layout`, one subpass, and the caller's external
 * dependencies. */
bool mz_gpu_color_pass(mz_gpu *gpu, VkFormat format, VkImageLayout initial_layout,
                       VkImageLayout final_layout, const VkSubpassDependency *deps,
                       uint32_t dep_count, VkRenderPass *out);

/* A graphics pipeline drawing a fullscreen triangle (3 vertices, no vertex
 * input) with the two shaders, no blending, and dynamic viewport and scissor.
 * `frag_constants` sets the fragment shader's specialisation constants (NULL:
 * their defaults). */
bool mz_gpu_fullscreen_pipeline(mz_gpu *gpu, VkPipelineLayout layout, VkRenderPass pass,
                                const uint32_t *vert, size_t vert_bytes, const uint32_t *frag,
                                size_t frag_bytes, const VkSpecializationInfo *frag_constants,
                                VkPipeline *out);

/* A bilinear sampler clamping to the edge: how both modules sample images. */
bool mz_gpu_linear_sampler(mz_gpu *gpu, VkSampler *out);

/* Records the start of a fullscreen pass: begins the render pass over
 * `area` (all of `extent`, or a part such as a band), sets the viewport to
 * the whole extent and the scissor to `area`, binds the pipeline. The caller
 * binds its descriptors, draws 3 vertices and ends the pass. */
void mz_gpu_begin_fullscreen(VkCommandBuffer cmd, VkRenderPass pass, VkFramebuffer framebuffer,
                             VkExtent2D extent, VkRect2D area, VkPipeline pipeline);

/* Records the copy of `image` (in TRANSFER_SRC_OPTIMAL, width x height, 4
 * bytes a pixel) into `buffer` and the barrier that makes it visible to the
 * host once the submission's fence signals. */
void mz_gpu_record_readback(VkCommandBuffer cmd, VkImage image, uint32_t width, uint32_t height,
                            VkBuffer buffer);

/* Records a layout transition of the whole colour image. */
typedef struct mz_gpu_barrier_desc {
    VkImage image;
    VkImageLayout from, to;
    VkAccessFlags src_access, dst_access;
    VkPipelineStageFlags src_stage, dst_stage;
} mz_gpu_barrier_desc;

void mz_gpu_image_barrier(VkCommandBuffer cmd, const mz_gpu_barrier_desc *desc);

#endif
