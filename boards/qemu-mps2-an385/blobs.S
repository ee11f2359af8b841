/* SPDX-License-Identifier: Apache-2.0 */
/* Data the build puts in flash: the template image made by herald-mkimage
 * and the CA certificate (PEM, NUL-terminated) the firmware trusts.  The
 * paths come from board.mk. */
    .section .rodata.herald_blobs, "a"
    .balign 4
    .global board_template_image
board_template_image:
    .incbin HERALD_TEMPLATE_IMAGE
    .global board_template_image_end
board_template_image_end:

    .balign 4
    .global board_ca_pem
board_ca_pem:
    .incbin HERALD_CA_PEM
    .byte 0
    .global board_ca_pem_end
board_ca_pem_end:
