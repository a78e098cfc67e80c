/* mz_gpu_util — see mz_gpu_util.h. */
#include "mz_gpu_util.h"

#include "mz_error.h"

#include <string.h>

bool mz_gpu_check(VkResult r, const char *what)
{
    return r == VK_SUCCESS ? true : mz_fail("gpu: %s failed (VkResult %d)", what, (int)r);
}

/* Memory of a type with `want`, else with `fallback` (0: any type allowed). */
static bool alloc_memory(mz_gpu *gpu, VkMemoryRequirements req, VkMemoryPropertyFlags want,
                         VkMemoryPropertyFlags fallback, VkDeviceMemory *out, bool *coherent)
{
    int type = mz_gpu_memory_type(gpu, req.memoryTypeBits, want);
    if (type < 0) type = mz_gpu_memory_type(gpu, req.memoryTypeBits, fallback);
    if (type < 0) return mz_fail("gpu: no suitable memory type");
    if (coherent) {
        VkPhysicalDeviceMemoryProperties props;
        vkGetPhysicalDeviceMemoryProperties(mz_gpu_physical(gpu), &props);
        *coherent = props.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    }
    VkMemoryAllocateInfo info = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex = (uint32_t)type,
    };
    return mz_gpu_check(vkAllocateMemory(mz_gpu_device(gpu), &info, NULL, out), "vkAllocateMemory");
}

bool mz_gpu_buffer_create(mz_gpu *gpu, mz_gpu_buffer *b, VkDeviceSize size,
                          VkBufferUsageFlags usage, VkMemoryPropertyFlags want, const char *label)
{
    VkDevice dev = mz_gpu_device(gpu);
    memset(b, 0, sizeof *b);
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    if (!mz_gpu_check(vkCreateBuffer(dev, &info, NULL, &b->buffer), "vkCreateBuffer")) return false;
    mz_gpu_name(gpu, VK_OBJECT_TYPE_BUFFER, (uint64_t)b->buffer, label);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(dev, b->buffer, &req);
    const VkMemoryPropertyFlags visible =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    if (!alloc_memory(gpu, req, want | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT, visible, &b->memory,
                      &b->coherent) ||
        !mz_gpu_check(vkBindBufferMemory(dev, b->buffer, b->memory, 0), "vkBindBufferMemory") ||
        !mz_gpu_check(vkMapMemory(dev, b->memory, 0, VK_WHOLE_SIZE, 0, &b->map), "vkMapMemory")) {
        mz_gpu_buffer_destroy(gpu, b);
        return false;
    }
    b->size = size;
    return true;
}

void mz_gpu_buffer_destroy(mz_gpu *gpu, mz_gpu_buffer *b)
{
    VkDevice dev = mz_gpu_device(gpu);
    if (b->buffer) vkDestroyBuffer(dev, b->buffer, NULL);
    if (b->memory) vkFreeMemory(dev, b->memory, NULL); /* unmaps */
    memset(b, 0, sizeof *b);
}

bool mz_gpu_image_view(mz_gpu *gpu, VkImage image, VkFormat format, VkImageView *out)
{
    VkImageViewCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
        .image = image,
        .viewType = VK_IMAGE_VIEW_TYPE_2D,
        .format = format,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    return mz_gpu_check(vkCreateImageView(mz_gpu_device(gpu), &info, NULL, out),
                        "vkCreateImageView");
}

bool mz_gpu_image_create(mz_gpu *gpu, mz_gpu_image *im, uint32_t width, uint32_t height,
                         VkFormat format, VkImageUsageFlags usage, const char *label)
{
    VkDevice dev = mz_gpu_device(gpu);
    memset(im, 0, sizeof *im);
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = format,
        .extent = {width, height, 1},
        .mipLevels = 1,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    if (!mz_gpu_check(vkCreateImage(dev, &info, NULL, &im->image), "vkCreateImage")) return false;
    mz_gpu_name(gpu, VK_OBJECT_TYPE_IMAGE, (uint64_t)im->image, label);
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(dev, im->image, &req);
    /* Only images that are drawn to or sampled need a view. */
    bool viewed = usage & (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT);
    if (!alloc_memory(gpu, req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0, &im->memory, NULL) ||
        !mz_gpu_check(vkBindImageMemory(dev, im->image, im->memory, 0), "vkBindImageMemory") ||
        (viewed && !mz_gpu_image_view(gpu, im->image, format, &im->view))) {
        mz_gpu_image_destroy(gpu, im);
        return false;
    }
    im->width = width;
    im->height = height;
    return true;
}

void mz_gpu_image_destroy(mz_gpu *gpu, mz_gpu_image *im)
{
    VkDevice dev = mz_gpu_device(gpu);
    if (im->view) vkDestroyImageView(dev, im->view, NULL);
    if (im->image) vkDestroyImage(dev, im->image, NULL);
    if (im->memory) vkFreeMemory(dev, im->memory, NULL);
    memset(im, 0, sizeof *im);
}

VkShaderModule mz_gpu_shader_module(mz_gpu *gpu, const uint32_t *code, size_t bytes)
{
    VkShaderModuleCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = bytes,
        .pCode = code,
    };
    VkShaderModule m = VK_NULL_HANDLE;
    mz_gpu_check(vkCreateShaderModule(mz_gpu_device(gpu), &info, NULL, &m), "vkCreateShaderModule");
    return m;
}

bool mz_gpu_color_pass(mz_gpu *gpu, VkFormat format, VkImageLayout initial_layout,
                       VkImageLayout final_layout, const VkSubpassDependency *deps,
                       uint32_t dep_count, VkRenderPass *out)
{
    VkAttachmentDescription color = {
        .format = format,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE, /* every pixel of the area is drawn */
        .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
        .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
        .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
        .initialLayout = initial_layout,
        .finalLayout = final_layout,
    };
    VkAttachmentReference ref = {0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription sub = {
        .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS,
        .colorAttachmentCount = 1,
        .pColorAttachments = &ref,
    };
    VkRenderPassCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
        .attachmentCount = 1,
        .pAttachments = &color,
        .subpassCount = 1,
        .pSubpasses = &sub,
        .dependencyCount = dep_count,
        .pDependencies = deps,
    };
    return mz_gpu_check(vkCreateRenderPass(mz_gpu_device(gpu), &info, NULL, out),
                        "vkCreateRenderPass");
}

bool mz_gpu_fullscreen_pipeline(mz_gpu *gpu, VkPipelineLayout layout, VkRenderPass pass,
                                const uint32_t *vert, size_t vert_bytes, const uint32_t *frag,
                                size_t frag_bytes, const VkSpecializationInfo *frag_constants,
                                VkPipeline *out)
{
    VkDevice dev = mz_gpu_device(gpu);
    VkShaderModule vs = mz_gpu_shader_module(gpu, vert, vert_bytes);
    VkShaderModule fs = vs ? mz_gpu_shader_module(gpu, frag, frag_bytes) : VK_NULL_HANDLE;
    bool ok = vs && fs;
    if (ok) {
        VkPipelineShaderStageCreateInfo stages[2] = {
            {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
             .stage = VK_SHADER_STAGE_VERTEX_BIT,
             .module = vs,
             .pName = "main"},
            {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
             .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
             .module = fs,
             .pName = "main",
             .pSpecializationInfo = frag_constants},
        };
        VkPipelineVertexInputStateCreateInfo vertex = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
        VkPipelineInputAssemblyStateCreateInfo assembly = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
            .topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST};
        VkPipelineViewportStateCreateInfo viewport = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO,
            .viewportCount = 1,
            .scissorCount = 1};
        VkPipelineRasterizationStateCreateInfo raster = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
            .polygonMode = VK_POLYGON_MODE_FILL,
            .cullMode = VK_CULL_MODE_NONE,
            .lineWidth = 1.0f};
        VkPipelineMultisampleStateCreateInfo multisample = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
            .rasterizationSamples = VK_SAMPLE_COUNT_1_BIT};
        VkPipelineColorBlendAttachmentState blend_att = {
            .colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                              VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT};
        VkPipelineColorBlendStateCreateInfo blend = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
            .attachmentCount = 1,
            .pAttachments = &blend_att};
        VkDynamicState dyn_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
        VkPipelineDynamicStateCreateInfo dynamic = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
            .dynamicStateCount = 2,
            .pDynamicStates = dyn_states};
        VkGraphicsPipelineCreateInfo info = {
            .sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
            .stageCount = 2,
            .pStages = stages,
            .pVertexInputState = &vertex,
            .pInputAssemblyState = &assembly,
            .pViewportState = &viewport,
            .pRasterizationState = &raster,
            .pMultisampleState = &multisample,
            .pColorBlendState = &blend,
            .pDynamicState = &dynamic,
            .layout = layout,
            .renderPass = pass,
        };
        ok = mz_gpu_check(vkCreateGraphicsPipelines(dev, VK_NULL_HANDLE, 1, &info, NULL, out),
                          "vkCreateGraphicsPipelines");
    }
    if (vs) vkDestroyShaderModule(dev, vs, NULL);
    if (fs) vkDestroyShaderModule(dev, fs, NULL);
    return ok;
}

void mz_gpu_image_barrier(VkCommandBuffer cmd, const mz_gpu_barrier_desc *desc)
{
    VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = desc->src_access,
        .dstAccessMask = desc->dst_access,
        .oldLayout = desc->from,
        .newLayout = desc->to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = desc->image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    vkCmdPipelineBarrier(cmd, desc->src_stage, desc->dst_stage, 0, 0, NULL, 0, NULL, 1, &b);
}

bool mz_gpu_linear_sampler(mz_gpu *gpu, VkSampler *out)
{
    VkSamplerCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
        .magFilter = VK_FILTER_LINEAR,
        .minFilter = VK_FILTER_LINEAR,
        .mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST,
        .addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
    };
    return mz_gpu_check(vkCreateSampler(mz_gpu_device(gpu), &info, NULL, out), "vkCreateSampler");
}

void mz_gpu_begin_fullscreen(VkCommandBuffer cmd, VkRenderPass pass, VkFramebuffer framebuffer,
                             VkExtent2D extent, VkRect2D area, VkPipeline pipeline)
{
    VkRenderPassBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
        .renderPass = pass,
        .framebuffer = framebuffer,
        .renderArea = area,
    };
    vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    VkViewport viewport = {0, 0, (float)extent.width, (float)extent.height, 0, 1};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &area);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
}

void mz_gpu_record_readback(VkCommandBuffer cmd, VkImage image, uint32_t width, uint32_t height,
                            VkBuffer buffer)
{
    VkBufferImageCopy copy = {
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .imageExtent = {width, height, 1},
    };
    vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer, 1, &copy);
    VkBufferMemoryBarrier to_host = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .buffer = buffer,
        .size = VK_WHOLE_SIZE,
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                         NULL, 1, &to_host, 0, NULL);
}
