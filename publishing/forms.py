from django import forms


class CompilationUploadForm(forms.Form):
    file = forms.FileField(label="材料汇编文件", help_text="支持 .docx / .txt，需有“目录”和各篇文章。")


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
