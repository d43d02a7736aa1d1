from django.contrib import admin

from priemnaya.knowledge.models import Article, ArticleFeedback, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Reading and light fixes; publishing goes through the console editor (index, audit)."""

    list_display = ["title", "section", "status", "published_at", "updated_at", "version"]
    list_filter = ["status", "section"]
    search_fields = ["title", "keywords"]
    readonly_fields = ["status", "published_at", "version", "helpful_yes", "helpful_no"]
    filter_horizontal = ["themes"]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "created_at"]
    list_filter = ["helpful"]
    readonly_fields = ["article", "helpful", "comment", "session_hash", "created_at"]
